// `npm run bench [-- --quick] [-- --filter <substr>]`: times every case on the wasm and js
// backends and prints a markdown table of medians. Suites add their cases to the list below.
import { parseArgs } from 'node:util';
import { corr2dCases } from './corr2d.js';
import { runCases } from './harness.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    filter: { type: 'string' },
  },
});

await runCases([...corr2dCases], { quick: values.quick ?? false, filter: values.filter });
