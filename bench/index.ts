// `npm run bench [-- --quick] [-- --filter <substr>] [-- --runners <name,...>] [-- --threads <n>]`:
// times every case on the wasm and js backends (the conv2d cases also on TF.js, and on the
// relaxed-SIMD build in a child process; the conv2d forward and LeNet inference also on ONNX
// Runtime Web) and prints markdown tables of medians. Suites add their cases to the lists
// below. With --threads n the conv2d and lenet cases are timed again on n threads (runner
// wasm-threads, and on one thread, in child processes) and the tables add each case's speed-up and ceiling.
// `--child relaxed-simd | peer:<runner> | rounds:<n>` is internal: the child processes of bench/harness.ts measureInChild and measureThreaded.
import { parseArgs } from 'node:util';
import { batchNormCases } from './batch-norm.js';
import { activationCases } from './activation.js';
import { conv2dCases, runConv2d } from './conv2d.js';
import { lenetCases, runLeNet } from './lenet.js';
import { corr2dCases } from './corr2d.js';
import { childMain, environment, initWasm, runCases } from './harness.js';
import { shapeCases } from './linear.js';
import { ortRunner } from './onnx.js';
import { optimCases } from './optim.js';
import { runPinned } from './pinned.js';
import { poolCases } from './pool.js';

runPinned();

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    filter: { type: 'string' },
    runners: { type: 'string' },
    child: { type: 'string' },
    suite: { type: 'string' },
    threads: { type: 'string' },
  },
});
const RUNNER_NAMES = ['wasm', 'wasm-relaxed', 'wasm-threads', 'js', 'tfjs-cpu', 'tfjs-wasm', 'ort-wasm', 'pytorch'];
const runners = values.runners?.split(',');
const unknown = runners?.filter((r) => !RUNNER_NAMES.includes(r)) ?? [];
if (unknown.length > 0) throw new Error(`bench: unknown runner ${unknown.join(', ')}; the runners are ${RUNNER_NAMES.join(', ')}`);
const threads = values.threads === undefined ? undefined : Number(values.threads);
if (threads !== undefined && !(Number.isInteger(threads) && threads >= 2))
  throw new Error(`bench: --threads takes a whole number ≥ 2, got ${values.threads}`);
const opts = { quick: values.quick ?? false, filter: values.filter, runners, threads };

/** The suites a child process times (bench/harness.ts measureInChild). */
const SUITES = { conv2d: conv2dCases, lenet: lenetCases };

if (values.child !== undefined) {
  const suite = SUITES[values.suite as keyof typeof SUITES];
  if (!suite) throw new Error(`bench: unknown --suite ${values.suite}`);
  await childMain(values.child, suite(opts), opts, [ortRunner]);
} else {
  await initWasm('simd');
  console.log(environment(opts));
  await runCases([...corr2dCases], opts);
  await runCases(shapeCases, opts);
  await runCases(batchNormCases, opts);
  await runCases(activationCases, opts);
  await runConv2d(opts);
  await runCases(optimCases, opts);
  await runCases(poolCases, opts);
  await runLeNet(opts);
}
