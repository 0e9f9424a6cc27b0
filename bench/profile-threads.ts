// `npm run bench:threads-profile [-- --threads 2] [-- --cases e,f,g,j,d]`: how far the conv cases
// of the bench could go on n threads, measured in one process so that the machine's mood falls on
// both sides alike. Rounds alternate between the pool as it runs (every job split over the
// threads) and every job run on the caller alone; each op's time splits into its jobs (what the
// threads share) and the rest (copies into and out of WebAssembly memory, packing below the
// dispatch threshold, JavaScript), which only the caller runs. With the jobs scaling perfectly, n
// threads would take jobs ÷ n + rest: "at most" is the speed-up that gives. The caller-alone side
// copies into the shared memory, at its half speed, so "at most" is a little above what a 1-thread
// runtime (plain memory) allows. It runs on the library's sources (tsx), as it reaches inside the
// pool, and with malloc pinned as `npm run bench` (./pinned.ts).
import { parseArgs } from 'node:util';

import * as wc from '../src/index.js';
import { type Job, Pool, runHere } from '../src/wasm/threads/pool.js';
import { CONV_CASES } from './conv-cases.js';
import { runPinned } from './pinned.js';

runPinned();

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    cases: { type: 'string', default: 'd,e,f,g,j' },
    rounds: { type: 'string', default: '24' },
  },
});
const threads = Number(values.threads);
const rounds = Number(values.rounds);
await wc.init({ build: 'simd', threads });
if (wc.threadCount() !== threads) throw new Error(`profile-threads: asked for ${threads} threads, runs on ${wc.threadCount()}`);

let alone = false;
let inJobs = 0;
const poolRun = Pool.prototype.run;
Pool.prototype.run = function (this: Pool, job: Job) {
  const t = performance.now();
  if (alone) runHere(job);
  else poolRun.call(this, job);
  inJobs += performance.now() - t;
};

const median = (v: number[]) => Float64Array.from(v).sort()[v.length >> 1];
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

console.log(`conv2d on ${threads} threads (wasm, plain SIMD): ${rounds} rounds alternating the pool with the caller alone\n`);
console.log('| case | op, caller alone | jobs | rest | op, pool | jobs | rest | jobs scale | op scales | at most |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const id of values.cases.split(',')) {
  const s = CONV_CASES.find((k) => k.id === id);
  if (!s) throw new Error(`profile-threads: no case ${id}`);
  const opts = { stride: s.stride, padding: s.pad, dilation: s.dilation, groups: s.groups };
  for (const mode of ['forward', 'backward']) {
    const grad = mode === 'backward';
    const x = wc.randn([s.n, s.c, s.h, s.w], { seed: 1, requiresGrad: grad });
    const w = wc.randn([s.o, s.c / s.groups, s.kh, s.kw], { seed: 2, requiresGrad: grad });
    const b = wc.randn([s.o], { seed: 3, requiresGrad: grad });
    // as bench/conv2d.ts: the forward alone; the backward (dX, dW, db) again from one graph, the gradients reset
    const y = wc.conv2d(x, w, grad ? b : null, opts);
    const dy = wc.randn([...y.shape], { seed: 4 });
    const call = grad
      ? () => {
          x.grad = w.grad = b.grad = null;
          y.backward(dy, { retainGraph: true });
        }
      : () => wc.conv2d(x, w, null, opts);
    const op = { pool: [] as number[], alone: [] as number[] };
    const jobs = { pool: [] as number[], alone: [] as number[] };
    for (let r = 0; r < rounds + 2; r++) {
      for (const side of r % 2 ? (['alone', 'pool'] as const) : (['pool', 'alone'] as const)) {
        alone = side === 'alone';
        inJobs = 0;
        let n = 0;
        const t0 = performance.now();
        while (performance.now() - t0 < 150) {
          call();
          n++;
        }
        if (r < 2) continue; // warm-up
        op[side].push((performance.now() - t0) / n);
        jobs[side].push(inJobs / n);
      }
    }
    const [t1, j1, tn, jn] = [median(op.alone), median(jobs.alone), median(op.pool), median(jobs.pool)];
    const cells = [us(t1), us(j1), us(t1 - j1), us(tn), us(jn), us(tn - jn)];
    const scale = [(j1 / jn).toFixed(2), (t1 / tn).toFixed(2), (t1 / (j1 / threads + tn - jn)).toFixed(2)];
    console.log(`| ${id} ${mode} | ${cells.join(' | ')} | ${scale.join('× | ')}× |`);
  }
}
