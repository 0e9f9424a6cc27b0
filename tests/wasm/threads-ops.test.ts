// Every op family gives the same bits on 1, 2 and 3 threads: the ops a threaded runtime sends to
// the workers (convolutions, GEMMs, and the activations and pooling fused with a convolution, at
// LeNet's sizes, batch 256: a LeNet step is checked to dispatch each of their kernels) and those it
// keeps on the caller's thread on plain memory, having too little work per float they copy
// (BatchNorm at [256, 16, 10, 10], softmax and cross entropy, the optimizers, lone elementwise
// maps, small convolutions: src/backend/wasm/runtime.ts onThreads); a training step of each
// network; and every PyTorch fixture family's cases, each op run on 1 thread and again on 2 and 3
// (tests/torch/runners.ts: the ops as the fixture suites run them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { convActPool } from '../../src/ops/fused.js';
import { wasmRuntime } from '../../src/wasm/loader.js';
import { DISPATCH_MIN, type Job } from '../../src/wasm/threads/pool.js';
import { randomData } from '../helpers.js';
import { type FixtureCase, type FixtureFile, loadFixtures, tensorOf } from '../torch/fixtures.js';
import { MODELS, networks, trainNetwork } from '../torch/networks.js';
import type { OpRunner } from '../torch/run.js';
import { ACTIVATION, CONV, POOL, POOL_LAYERS, SHAPE, TENSOR, TRAINING_MODELS } from '../torch/runners.js';
import { onEachThreadCount } from './bits.js';

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Seeded values in [lo, hi) of a shape. */
const seeded = (shape: number[], seed: number, lo = -1, hi = 1) =>
  wc.tensor(
    randomData(size(shape), seed).map((v) => lo + ((v + 1) / 2) * (hi - lo)),
    shape,
  );

/**
 * `op` on fresh leaves of `shapes` (seeded values in [lo, hi)), then backward from a seeded dy:
 * the output and every leaf's gradient.
 */
function results(shapes: number[][], op: (...t: wc.Tensor[]) => wc.Tensor, lo = -1, hi = 1): Float32Array[] {
  const leaves = shapes.map((s, i) => {
    const t = seeded(s, 10 + i, lo, hi);
    t.requiresGrad = true;
    return t;
  });
  const y = op(...leaves);
  y.backward(seeded([...y.shape], 99));
  return [y.data, ...leaves.map((l) => l.grad!.data)];
}

/** The kernels (wasm exports by name, TypeScript tasks as task:name) of the jobs `fn` sends to the workers. */
function dispatchedKernels(fn: () => void): Set<string> {
  const rt = wasmRuntime('test');
  const pool = rt.pool!;
  const names = new Map<unknown, string>([
    ...Object.entries(rt.exports).map(([k, v]) => [v, k] as const),
    ...Object.entries(rt.tasks).map(([k, v]) => [v, `task:${k}`] as const),
  ]);
  const seen = new Set<string>();
  const run = pool.run;
  pool.run = function (job: Job) {
    if (job.work >= DISPATCH_MIN && job.units > job.grain) seen.add(names.get(job.kernel)!);
    run.call(this, job);
  };
  try {
    fn();
  } finally {
    pool.run = run;
  }
  return seen;
}

/** LeNet's class labels of a batch, as PyTorch's int64 indices would be. */
const labels = (batch: number, classes: number) => Int32Array.from({ length: batch }, (_, i) => (i * 7 + 3) % classes);

afterAll(() => wc.init({ threads: 1 }));
beforeAll(() => wc.setBackend('wasm'));

describe('every op family gives the same bits on 1, 2 and 3 threads at the sizes of a LeNet training step', () => {
  it("linear: LeNet's three layers at batch 256 and a matmul of odd sizes, forward and every gradient", async () => {
    await onEachThreadCount(
      () => [
        results([[256, 400], [120, 400], [120]], (x, w, b) => wc.linear(x, w, b)),
        results([[256, 120], [84, 120], [84]], (x, w, b) => wc.linear(x, w, b)),
        results([[256, 84], [10, 84], [10]], (x, w, b) => wc.linear(x, w, b)),
        results(
          [
            [301, 257],
            [257, 190],
          ],
          (a, b) => wc.matmul(a, b),
        ),
      ],
      'linear',
    );
  });

  it('batchNorm2d at [256, 16, 10, 10] and [64, 6, 28, 28]: training (output, gradients, running statistics) and eval', async () => {
    const run = (shape: number[], training: boolean) => {
      const c = shape[1];
      const stats = [wc.zeros([c]), wc.ones([c])];
      const out = results([shape, [c], [c]], (x, w, b) =>
        wc.batchNorm2d(x, stats[0], stats[1], w, b, { training, momentum: 0.1, eps: 1e-5 }),
      );
      return [...out, ...stats.map((t) => t.data)];
    };
    await onEachThreadCount(() => [run([256, 16, 10, 10], true), run([64, 6, 28, 28], true), run([256, 16, 10, 10], false)], 'batchNorm2d');
  });

  it('softmax, logSoftmax and crossEntropy over rows of 10 and of 1000, and over a middle dim', async () => {
    const targets = labels(256, 1000);
    await onEachThreadCount(
      () => [
        results([[256, 10]], (x) => wc.softmax(x, 1)),
        results([[256, 1000]], (x) => wc.softmax(x, 1)),
        results([[256, 1000]], (x) => wc.logSoftmax(x, -1)),
        results([[16, 50, 300]], (x) => wc.logSoftmax(x, 1)),
        results([[256, 10]], (x) => wc.crossEntropy(x, labels(256, 10))),
        results([[256, 1000]], (x) => wc.crossEntropy(x, targets, { labelSmoothing: 0.1, weight: seeded([1000], 5, 0.5, 2) })),
        results(
          [
            [256, 1000],
            [256, 1000],
          ],
          (x, p) => wc.crossEntropy(x, wc.softmax(p, 1)),
        ),
        results([[64, 10, 20, 20]], (x) => wc.crossEntropy(x, wc.tensor(Array.from(labels(64 * 400, 10)), [64, 20, 20]))),
      ],
      'softmax and crossEntropy',
    );
  });

  it('sum and mean over dims, argmax, transpose and the elementwise maps on [64, 6, 28, 28]', async () => {
    const shape = [64, 6, 28, 28];
    await onEachThreadCount(
      () => [
        results([shape], (x) => x.sum([0, 2, 3])),
        results([shape], (x) => x.mean(1, true)),
        results([[256, 4000]], (x) => x.sum(0)),
        [seeded([512, 1000], 3).argmax(1).data],
        results([shape], (x) => x.transpose(1, 3)),
        results([[400, 1200]], (x) => x.t()),
        results([shape, shape], (a, b) =>
          a
            .add(b)
            .mul(a)
            .sub(b.div(a.add(3))),
        ),
        results([shape], (a) => a.mul(2).add(1).div(3).neg(), -1, 1),
        results([shape], (a) => a.add(2).pow(2.5).square(), -1, 1),
        results([shape, shape], (a, b) => wc.mseLoss(a, b)),
      ],
      'reductions and elementwise',
    );
  });

  it("SGD (momentum, weight decay, nesterov) and Adam, AdamW with amsgrad on LeNet's parameters, three steps", async () => {
    const shapes = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10]];
    const train = (make: (p: wc.nn.Parameter[]) => { step(): void }) => {
      const params = shapes.map((s, i) => new wc.nn.Parameter(seeded(s, 20 + i)));
      const opt = make(params);
      for (let step = 0; step < 3; step++) {
        params.forEach((p, i) => (p.grad = seeded([...p.shape], 100 * step + i)));
        opt.step();
      }
      return params.map((p) => p.data);
    };
    await onEachThreadCount(
      () => [
        train((p) => new wc.optim.SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 1e-3, nesterov: true })),
        train((p) => new wc.optim.Adam(p, { lr: 1e-3, weightDecay: 1e-2 })),
        train((p) => new wc.optim.AdamW(p, { lr: 1e-3, amsgrad: true })),
      ],
      'optimizers',
    );
  });

  it('pad in every mode, unfold and fold, corr2d of a large image, a conv2d with its bias added on the threads', async () => {
    const shape = [64, 6, 28, 28];
    await onEachThreadCount(
      () => [
        ...(['constant', 'reflect', 'replicate', 'circular'] as const).map((mode) =>
          results([shape], (x) => wc.pad(x, [2, 1, 3, 2], mode)),
        ),
        results([[32, 6, 28, 28]], (x) => wc.unfold(x, [5, 5], { padding: 2 })),
        results([[32, 150, 196]], (c) => wc.fold(c, [28, 28], [5, 5], { padding: 2, stride: 2 })),
        results(
          [
            [600, 500],
            [3, 4],
          ],
          (x, k) => wc.corr2d(x, k),
        ),
        results([[64, 32, 14, 14], [48, 32, 3, 3], [48]], (x, w, b) => wc.conv2d(x, w, b, { padding: 1 })),
      ],
      'windows',
    );
  });

  it("the activations, pooling and the fused convolution → activation → pooling at LeNet's sizes, batch 256", async () => {
    const shape = [256, 6, 28, 28];
    const avg2 = { kind: 'avg', kernelSize: 2, options: { stride: 2 } } as const;
    const max2 = { kind: 'max', kernelSize: 2, options: { stride: 2 } } as const;
    await onEachThreadCount(
      () => [
        ...([wc.relu, wc.sigmoid, wc.tanh, wc.exp] as const).map((f) => results([shape], (x) => f(x))),
        results([shape], (x) => wc.log(x), 0.1, 2),
        results([shape], (x) => wc.maxPool2d(x, 2, { stride: 2 })),
        results([shape], (x) => wc.avgPool2d(x, 2, { stride: 2 })),
        results([shape], (x) => wc.maxPool2d(x, 3, { stride: 1, padding: 1 })),
        results([shape], (x) => wc.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true })),
        results([shape], (x) => wc.adaptiveAvgPool2d(x, [5, 7])),
        results([[256, 1, 28, 28], [6, 1, 5, 5], [6]], (x, w, b) => convActPool(x, w, b, { padding: 2 }, 'sigmoid', avg2)),
        results([[256, 6, 14, 14], [16, 6, 5, 5], [16]], (x, w, b) => convActPool(x, w, b, {}, 'sigmoid', avg2)),
        results([[256, 6, 14, 14], [16, 6, 5, 5], [16]], (x, w, b) => convActPool(x, w, b, {}, 'relu', max2)),
        results([[64, 6, 14, 14], [16, 6, 3, 3], [16]], (x, w, b) => convActPool(x, w, b, { padding: 1 }, 'tanh', null)),
      ],
      'activations and pooling',
    );
  });

  it("a training step at batch 256 of d2l's LeNet (SGD), the ReLU + max pooling LeNet and a BatchNorm2d network (Adam) sends its convolutions, GEMMs and the activations and pooling fused with them to the workers, and keeps BatchNorm, Adam and a lone tanh on the caller's plain memory", async () => {
    await wc.init({ threads: 2 });
    const kernels = dispatchedKernels(() => {
      for (const model of ['lenet-d2l', 'lenet-relu', 'bn-net'] as const) {
        const net = MODELS[model]();
        const opt =
          model === 'lenet-d2l' ? new wc.optim.SGD(net.parameters(), { lr: 0.1 }) : new wc.optim.Adam(net.parameters(), { lr: 1e-3 });
        const l = wc.crossEntropy(net.forward(seeded([256, 1, 28, 28], 3, 0, 1)), labels(256, 10));
        opt.zeroGrad();
        l.backward();
        opt.step();
      }
    });
    const seen = [...kernels].join(' ');
    for (const k of [
      'gemm_tiles_f32',
      'conv2d_direct_f32',
      'conv2d_grad_weight_f32',
      'conv2d_grad_input_f32',
      'task:depthwise_forward',
      'task:depthwise_grad_weight',
      'sigmoid_f32',
      'sigmoid_backward_f32',
      'relu_f32',
      'relu_backward_f32',
      'avg_pool2d_2x2_f32_simd',
      'avg_pool2d_2x2_grad_f32_simd',
      'max_pool2d_2x2_f32_simd',
      'max_pool2d_2x2_grad_f32_simd',
      'bias_grad_f32',
    ]) {
      expect(kernels, seen).toContain(k);
    }
    // memory-bound ops copy as many floats as they compute on: runtime.ts WORK_PER_FLOAT
    for (const k of [
      'batch_norm_stats_f32',
      'channel_affine_f32',
      'batch_norm_grad_sums_f32',
      'batch_norm_grad_input_f32',
      'adam_f32_simd',
      'tanh_f32',
    ]) {
      expect(kernels, seen).not.toContain(k);
    }
  });

  it("convolutions with little work per float copied (the bench's b: 3×3 over one 256×256 channel; h: depthwise over 32 of 112×112) stay on the caller's thread, with the same bits", async () => {
    const compute = () => [
      results(
        [
          [1, 1, 256, 256],
          [1, 1, 3, 3],
        ],
        (x, w) => wc.conv2d(x, w, null, { padding: 1 }),
      ),
      results(
        [
          [1, 32, 112, 112],
          [32, 1, 3, 3],
        ],
        (x, w) => wc.conv2d(x, w, null, { padding: 1, groups: 32 }),
      ),
    ];
    await wc.init({ threads: 2 });
    expect(dispatchedKernels(compute)).toEqual(new Set());
    await onEachThreadCount(compute, 'small convolutions');
  });

  it("a training step of each network of the fixtures (d2l's LeNet, ReLU + max pooling with Adam, BatchNorm with AdamW)", async () => {
    const compute = () =>
      networks.cases.map((c) => {
        const { net, losses, logits } = trainNetwork(networks, c);
        return [Float32Array.from(losses), logits.data, ...Object.values(net.stateDict()).map((t) => t.data)];
      });
    await onEachThreadCount(compute, 'networks');
  });
});

/** A case's output and every gradient (fresh leaves, backward from its dy), as runCase computes them. */
function caseResults(file: FixtureFile, c: FixtureCase, run: OpRunner): Float32Array[] {
  const grads = c.grads ?? {};
  const t = Object.fromEntries(Object.entries(c.inputs).map(([name, r]) => [name, tensorOf(file, r, name in grads)]));
  const out = run(t, c.args);
  if (Object.keys(grads).length > 0) out.backward(tensorOf(file, c.dy!));
  return [out.data, ...Object.keys(grads).map((name) => t[name].grad!.data)];
}

/** batchNorm2d's fixture cases (output, gradients, the running statistics) and nn.BatchNorm2d's runs (every step's, then the buffers). */
function normResults(file: FixtureFile, c: FixtureCase): Float32Array[] {
  if (c.op === 'batchNorm2d') {
    const running: wc.Tensor[] = [];
    const out = caseResults(file, c, (t, args) => {
      running.push(...[t.runningMean, t.runningVar].filter((r) => r !== undefined));
      return wc.batchNorm2d(
        t.input,
        t.runningMean ?? null,
        t.runningVar ?? null,
        t.weight ?? null,
        t.bias ?? null,
        args as wc.BatchNormOptions,
      );
    });
    return [...out, ...running.map((r) => r.data)];
  }
  const { numFeatures, ...opts } = c.args as unknown as { numFeatures: number } & wc.nn.BatchNorm2dOptions;
  const bn = new wc.nn.BatchNorm2d(numFeatures, opts);
  const steps = (c as FixtureCase & { steps: { training: boolean; dy: FixtureCase['dy'] }[] }).steps;
  const out = steps.flatMap((step, k) => {
    bn.train(step.training);
    bn.zeroGrad();
    const x = tensorOf(file, c.inputs[`x${k}`], true);
    const y = bn.forward(x);
    y.backward(tensorOf(file, step.dy!));
    return [y.data, x.grad!.data, ...[bn.weight, bn.bias].flatMap((p) => (p?.grad ? [p.grad.data] : []))];
  });
  return [...out, ...Object.values(bn.stateDict()).map((t) => t.data)];
}

/** Adam and AdamW's fixture runs: every parameter after each step. */
function optimResults(file: FixtureFile, c: FixtureCase): Float32Array[] {
  const after = (c as FixtureCase & { after: unknown[] }).after;
  const names = Object.keys(c.inputs).filter((k) => !k.startsWith('grad'));
  const params = names.map((k) => new wc.nn.Parameter(tensorOf(file, c.inputs[k])));
  const Optimizer = c.op === 'Adam' ? wc.optim.Adam : wc.optim.AdamW;
  const opt = new Optimizer(params, c.args.options as wc.optim.AdamOptions);
  return after.flatMap((_, step) => {
    names.forEach((k, i) => {
      const g = c.inputs[`grad${step}.${k}`];
      params[i].grad = g === undefined ? null : tensorOf(file, g);
    });
    opt.step();
    return params.map((p) => p.data.slice());
  });
}

/** The training family's runs: every loss, then the final parameters. */
function trainingResults(file: FixtureFile, c: FixtureCase): Float32Array[] {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([name, r]) => [name, tensorOf(file, r)]));
  const run = TRAINING_MODELS[c.args.model as string](inputs, c.args);
  const losses = Float32Array.from({ length: c.args.steps as number }, (_, i) => run.step(i));
  return [losses, ...Object.values(run.params).map((p) => p.data)];
}

const byOp = (runners: Record<string, OpRunner>) => (file: FixtureFile, c: FixtureCase) => caseResults(file, c, runners[c.op]);

/** Each family's cases as results. The conv family's convolutions are tests/wasm/threads.test.ts's. */
const FAMILIES: [string, (file: FixtureFile, c: FixtureCase) => Float32Array[], (c: FixtureCase) => boolean][] = [
  ['activation', byOp(ACTIVATION), () => true],
  ['tensor', byOp(TENSOR), () => true],
  ['shape', byOp(SHAPE), () => true],
  ['conv', byOp(CONV), (c) => c.op !== 'conv2d' && c.op !== 'convTranspose2d'],
  ['pool', byOp(POOL), () => true],
  ['pool', byOp(POOL_LAYERS), (c) => c.name.includes('LeNet') || c.name.includes('realistic')],
  ['norm', normResults, () => true],
  ['optim', optimResults, () => true],
  ['training', trainingResults, () => true],
];

describe('every PyTorch fixture family: each case on 1 thread, then on 2 and 3, bit for bit', () => {
  it.each(
    FAMILIES.map(([family, compute, keep], i) => [`${family}${i === 5 ? ' (through the nn layers)' : ''}`, family, compute, keep] as const),
  )('%s', async (_, family, compute, keep) => {
    const file = loadFixtures(family);
    const cases = file.cases.filter(keep);
    await onEachThreadCount(() => cases.map((c) => compute(file, c)), family);
  });
});
