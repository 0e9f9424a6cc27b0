// `npm run bench [-- --quick] [-- --filter <substr>]`: times every case on the wasm and js
// backends (the conv2d cases also on TF.js, and on the relaxed-SIMD build in a child process)
// and prints markdown tables of medians. Suites add their cases to the lists below.
// `--child relaxed-simd` is internal: the child process of bench/harness.ts measureRelaxedInChild.
import { parseArgs } from 'node:util';
import { conv2dCases, runConv2d } from './conv2d.js';
import { corr2dCases } from './corr2d.js';
import { childMain, environment, initWasm, runCases } from './harness.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    filter: { type: 'string' },
    child: { type: 'string' },
  },
});
const opts = { quick: values.quick ?? false, filter: values.filter };

if (values.child === 'relaxed-simd') {
  await childMain('relaxed-simd', conv2dCases(opts), opts);
} else if (values.child !== undefined) {
  throw new Error(`bench: unknown --child ${values.child}`);
} else {
  await initWasm('simd');
  console.log(environment(opts));
  await runCases([...corr2dCases], opts);
  await runConv2d(opts);
}
