#!/usr/bin/env node
import { isBrokenPipe, run } from './main.js';

// A reader that closes early (`| head`) ends the output, not the program with an error.
process.stdout.on('error', (error) => {
  if (!isBrokenPipe(error)) throw error;
});
process.exitCode = await run(process.argv.slice(2));
