// `npm run bench:profile [-- --batch 256] [-- --threads 2]`: where one training step and one
// inference of d2l's LeNet spend their time on the wasm backend. Every kernel call of the backend
// is timed (each method of the kernel interface, e.g. convActPool = a conv layer's convolution,
// activation and pooling forward), and inside it the copies into and out of WebAssembly memory
// (the arena's put, take and read); what the step spends outside kernel calls is the JavaScript
// around them (autograd, tensors, checks, allocating arrays). Medians over many steps, printed as
// a markdown table. It runs on the library's sources (tsx), as it reaches inside the backend.
import { parseArgs } from 'node:util';

import { wasmKernels } from '../src/backend/wasm/index.js';
import * as wc from '../src/index.js';
import { Arena } from '../src/wasm/arena.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    threads: { type: 'string', default: '1' },
    steps: { type: 'string', default: '40' },
  },
});
const batch = Number(values.batch);
const steps = Number(values.steps);
await wc.init({ build: 'simd', threads: Number(values.threads) });

/** Time per name within the current step, ms: whole calls, and the copies inside them. */
let calls = new Map<string, number>();
let copies = new Map<string, number>();
let current: string | null = null;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

// every kernel method of the wasm backend, timed
const kernels = wasmKernels as unknown as Record<string, unknown>;
for (const [name, fn] of Object.entries(kernels)) {
  if (typeof fn !== 'function') continue;
  kernels[name] = function timed(this: unknown, ...args: unknown[]) {
    const outer = current;
    current = name;
    const t0 = performance.now();
    try {
      return (fn as (...a: unknown[]) => unknown).apply(this, args);
    } finally {
      add(calls, name, performance.now() - t0);
      current = outer;
    }
  };
}
// the arena's copies, charged to the kernel call they happen in
for (const method of ['put', 'putInt32', 'take', 'read', 'zeros'] as const) {
  const fn = Arena.prototype[method] as (...a: unknown[]) => unknown;
  (Arena.prototype as unknown as Record<string, unknown>)[method] = function timed(this: Arena, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      if (current) add(copies, current, performance.now() - t0);
    }
  };
}

const { nn } = wc;
const net = new nn.Sequential(
  new nn.Conv2d(1, 6, 5, { padding: 2 }),
  new nn.Sigmoid(),
  new nn.AvgPool2d(2, { stride: 2 }),
  new nn.Conv2d(6, 16, 5),
  new nn.Sigmoid(),
  new nn.AvgPool2d(2, { stride: 2 }),
  new nn.Flatten(),
  new nn.Linear(400, 120),
  new nn.Sigmoid(),
  new nn.Linear(120, 84),
  new nn.Sigmoid(),
  new nn.Linear(84, 10),
);
const opt = new wc.optim.SGD(net.parameters(), { lr: 0.9 });
const loss = new nn.CrossEntropyLoss();
const x = wc.rand([batch, 1, 28, 28], { seed: 1 });
const y = wc.tensor(Array.from({ length: batch }, (_, i) => i % 10));

function profile(step: () => void): { total: number; rows: [string, number, number][] } {
  const totals: number[] = [];
  const perCall = new Map<string, number[]>();
  const perCopy = new Map<string, number[]>();
  for (let i = 0; i < steps + 5; i++) {
    calls = new Map();
    copies = new Map();
    const t0 = performance.now();
    step();
    const t = performance.now() - t0;
    if (i < 5) continue; // warm-up
    totals.push(t);
    for (const [k, v] of calls) perCall.set(k, [...(perCall.get(k) ?? []), v]);
    for (const [k, v] of copies) perCopy.set(k, [...(perCopy.get(k) ?? []), v]);
  }
  const median = (v: number[] = [0]) => Float64Array.from(v).sort()[v.length >> 1];
  const rows = [...perCall.keys()].map((k): [string, number, number] => [k, median(perCall.get(k)), median(perCopy.get(k))]);
  return { total: median(totals), rows: rows.sort((a, b) => b[1] - a[1]) };
}

function table(title: string, { total, rows }: ReturnType<typeof profile>): string {
  const inKernels = rows.reduce((s, r) => s + r[1], 0);
  const lines = rows.map(([k, t, c]) => `| ${k} | ${t.toFixed(2)} | ${(t - c).toFixed(2)} | ${c.toFixed(2)} |`);
  return [
    `### ${title}: ${total.toFixed(2)} ms (median of ${steps})`,
    '',
    '| kernel call (backend method) | ms | kernels | copies in/out of wasm memory |',
    '|---|---|---|---|',
    ...lines,
    `| JavaScript around the calls (autograd, tensors, checks) | ${(total - inKernels).toFixed(2)} | | |`,
  ].join('\n');
}

console.log(`d2l's LeNet at batch ${batch}, wasm (plain SIMD), ${wc.threadCount()} thread(s)\n`);
net.train();
console.log(
  table(
    'training step',
    profile(() => {
      opt.zeroGrad();
      loss.forward(net.forward(x), y).backward();
      opt.step();
    }),
  ),
);
console.log();
net.eval();
console.log(
  table(
    'inference',
    profile(() => wc.noGrad(() => net.forward(x))),
  ),
);
