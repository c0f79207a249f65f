import os from 'node:os';
import { compare, printTable } from './harness.js';
import { payloadBenchmarks } from './payload.bench.js';
import { scriptBenchmarks } from './script.bench.js';

console.log(
  `botflow benchmarks — Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}`,
);
printTable(await compare([...payloadBenchmarks, ...scriptBenchmarks]));
