import os from 'node:os';
import { editBenchmarks } from './edit.bench.js';
import { compare, printTable } from './harness.js';
import { linkBenchmarks } from './links.bench.js';
import { payloadBenchmarks } from './payload.bench.js';
import { qaBenchmarks, sampleSuite } from './qa.bench.js';
import { scriptBenchmarks } from './script.bench.js';
import { concurrentRequests, requestBenchmarks, startCrm } from './request.bench.js';
import { StoreBenchmarks } from './store.bench.js';
import { sqliteFillFigures } from './sqlite-fill.bench.js';
import { serveFigures } from './serve.bench.js';
import { snapshotSizes, turnBenchmarks } from './turn.bench.js';
import { studioFigures } from './studio.bench.js';
import { funnelRows, reportFigures } from './report.bench.js';
import { canvasFigures, editorBenchmarks, keystrokeFigures } from './editor.bench.js';
import { startUpFigures } from './start-up.bench.js';

console.log(
  `botflow benchmarks — Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}`,
);
const CRM_PORT = 4099;
const crm = await startCrm(CRM_PORT);
const crmUrl = `http://127.0.0.1:${CRM_PORT}`;
try {
  printTable(
    await compare([
      ...payloadBenchmarks,
      ...linkBenchmarks,
      ...scriptBenchmarks,
      ...turnBenchmarks,
      ...requestBenchmarks(crmUrl),
      ...qaBenchmarks(await sampleSuite()),
      ...editBenchmarks,
      ...editorBenchmarks,
    ]),
  );
  console.log(`\n${await concurrentRequests(crmUrl)}`);
} finally {
  crm.kill();
}
const sizes = await snapshotSizes();
console.log(
  `\nstored conversation waiting at an ask: botflow ${sizes.botflow} bytes, xstate persisted snapshot ${sizes.xstate} bytes`,
);

const stores = await StoreBenchmarks.start();
try {
  console.log(`\n${stores.heading}`);
  printTable(await stores.measure());
  console.log(await stores.sizes());
} finally {
  await stores.close();
}

console.log(
  '\nSQLite as it fills: random turns on 10,000 and on 1,000,000 stored conversations (each store in its own process)',
);
for (const line of await sqliteFillFigures()) console.log(line);

console.log(
  '\nbotflow serve: turns through the JSON API beside a bare node:http server (needs npm run build)',
);
for (const line of await serveFigures()) console.log(line);

console.log('\nreports');
for (const line of await reportFigures()) console.log(line);
console.log('\nthe funnel: a turn counting it beside the same turn without (each on a store of its own)');
printTable(await funnelRows());

console.log('\nstudio (Chromium; needs npm run build)');
for (const line of await studioFigures()) console.log(line);
for (const line of await keystrokeFigures()) console.log(line);
for (const line of await canvasFigures()) console.log(line);

console.log('\ncommand-line start-up (whole processes of the built CLI, each beside node -e 0)');
for (const line of await startUpFigures()) console.log(line);
