import { configDefaults, defineConfig } from 'vitest/config';

const CHAOS = 'test/chaos/**';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    // A poll waits for a server's or a browser's answer: on two busy cores one may take seconds.
    expect: { poll: { timeout: 10_000 } },
    reporters: ['default', './test/closing-line-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, CHAOS] },
      },
      {
        // They stall, restart and kill servers and hold recovery to time bounds: after the rest,
        // one file at a time, so that other suites' load does not eat into the bounds.
        extends: true,
        test: {
          name: 'chaos',
          include: [`${CHAOS}/*.test.ts`],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
