// d2l's LeNet at batch 64 and 256: one training step (forward, cross entropy, backward, SGD lr
// 0.9) and one inference (eval mode, no graph), on wasmconv's wasm backend (the plain SIMD build
// here, the relaxed-SIMD one in a child process) and js backend, beside PyTorch on the CPU with
// one thread (bench/torch_lenet.py, a child process, when a Python with torch is installed),
// TF.js's CPU backend (its wasm backend has no filter gradient, so it cannot train a convolution)
// and, on the inference only, ONNX Runtime Web's wasm (bench/onnx.ts).
// Every runner starts from the same weights, images and labels, and its first call is checked
// against the js backend: the parameters after a step, the logits of an inference.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as wc from 'wasmconv';
import {
  backendRunner,
  type BenchCase,
  checkResult,
  formatTime,
  markdownTable,
  measure,
  measureChildren,
  RELAXED,
  onBackend,
  ratio,
  ceiling,
  type RunOptions,
  runnerSelected,
  selectCases,
  Skip,
  ONE_THREAD,
  THREADED,
  TWO_PROCESSES,
  type Timed,
  type Timing,
} from './harness.js';
import { node, onnxModel, ORT_INFERENCE_ONLY, ORT_LABEL, ORT_WASM, ortTimed } from './onnx.js';
import { TFJS_CPU, tfjsRunners } from './peers.js';

export const LENET_BATCHES = [64, 256];
type Mode = 'train' | 'infer';
const MODES: Mode[] = ['train', 'infer'];

/** d2l's LeNet (section "Convolutional Neural Networks (LeNet)"). */
function lenet(): wc.nn.Sequential {
  const { nn } = wc;
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2, seed: 1 }),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Conv2d(6, 16, 5, { seed: 2 }),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Flatten(),
    new nn.Linear(400, 120, { seed: 3 }),
    new nn.Sigmoid(),
    new nn.Linear(120, 84, { seed: 4 }),
    new nn.Sigmoid(),
    new nn.Linear(84, 10, { seed: 5 }),
  );
}

interface Operands {
  state: Record<string, wc.Tensor>;
  x: wc.Tensor;
  /** Class indices, as whole floats. */
  y: wc.Tensor;
}

/** The weights (xavier-uniform, as d2l initialises them), images in [0, 1) and labels every runner starts from. */
function operands(batch: number): Operands {
  const net = lenet();
  net.apply((m) => (m instanceof wc.nn.Conv2d || m instanceof wc.nn.Linear ? wc.nn.init.xavierUniform(m.weight, { seed: 6 }) : undefined));
  const y = wc.tensor(Array.from({ length: batch }, (_, i) => (i * 7 + 3) % 10));
  return { state: net.stateDict(), x: wc.rand([batch, 1, 28, 28], { seed: 7 }), y };
}

const caseName = (batch: number, mode: Mode) => `lenet batch ${batch} ${mode === 'train' ? 'training step' : 'inference'}`;

/** A training step or an inference of wasmconv on the active backend, from the operands. */
function ours(mode: Mode, o: Operands): Timed {
  const net = lenet();
  net.loadStateDict(o.state);
  if (mode === 'infer') {
    net.eval();
    let logits: wc.Tensor | null = null;
    return { run: () => (logits = wc.noGrad(() => net.forward(o.x))), result: () => [logits!.data] };
  }
  const opt = new wc.optim.SGD(net.parameters(), { lr: 0.9 });
  const loss = new wc.nn.CrossEntropyLoss();
  return {
    run() {
      opt.zeroGrad();
      loss.forward(net.forward(o.x), o.y).backward();
      opt.step();
    },
    result: () => Object.values(net.stateDict()).map((t) => t.data),
  };
}

// ---- TF.js CPU: LeNet in NHWC with its backward written out (tf.grads has no gradients
// registered in Node: tfjs-core's CommonJS bundle leaves them out), from the same operands.

/** A row-major array of `shape` with its axes reordered (axis k of the result is axis order[k]). */
function permute(data: Float32Array, shape: number[], order: number[]): Float32Array {
  return tf.tidy(() => tf.transpose(tf.tensor(data, shape), order).dataSync() as Float32Array);
}

/** The operands in TF.js's layouts: conv weights [kh, kw, C, O], linear weights [in, out], images NHWC. */
function tfOperands(o: Operands) {
  const w = (key: string) => {
    const t = o.state[key];
    return t.ndim === 4
      ? tf.variable(tf.tensor(permute(t.data, [...t.shape], [2, 3, 1, 0]), [t.shape[2], t.shape[3], t.shape[1], t.shape[0]]))
      : tf.variable(tf.tensor(permute(t.data, [...t.shape], [1, 0]), [t.shape[1], t.shape[0]]));
  };
  const b = (key: string) => tf.variable(tf.tensor1d(o.state[key].data));
  const [n] = o.x.shape;
  return {
    params: [
      w('0.weight'),
      b('0.bias'),
      w('3.weight'),
      b('3.bias'),
      w('7.weight'),
      b('7.bias'),
      w('9.weight'),
      b('9.bias'),
      w('11.weight'),
      b('11.bias'),
    ],
    x: tf.tensor4d(permute(o.x.data, [n, 1, 28, 28], [0, 2, 3, 1]), [n, 28, 28, 1]),
    onehot: tf.cast(tf.oneHot(tf.tensor1d(o.y.data, 'int32'), 10), 'float32'),
  };
}

/** Our state_dict order and layouts from TF.js's variables. */
function fromTf(params: tf.Variable[], keys: string[], state: Record<string, wc.Tensor>): Float32Array[] {
  return params.map((p, i) => {
    const shape = [...state[keys[i]].shape];
    const data = p.dataSync() as Float32Array;
    if (shape.length === 4) return permute(data, [shape[2], shape[3], shape[1], shape[0]], [3, 2, 0, 1]);
    if (shape.length === 2) return permute(data, [shape[1], shape[0]], [1, 0]);
    return data;
  });
}

const avgPoolGrad = (dy: tf.Tensor4D, input: tf.Tensor4D) =>
  tf.engine().runKernel('AvgPoolGrad', { dy, input }, { filterSize: [2, 2], strides: [2, 2], pad: 'valid' } as never) as tf.Tensor4D;
const sigmoidGrad = (d: tf.Tensor, s: tf.Tensor) => tf.mul(d, tf.mul(s, tf.sub(1, s)));

function tfLeNet(mode: Mode, o: Operands): Timed | Skip {
  const { params, x, onehot } = tfOperands(o);
  const [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5] = params as [
    tf.Variable<tf.Rank.R4>,
    tf.Variable,
    tf.Variable<tf.Rank.R4>,
    tf.Variable,
    ...tf.Variable<tf.Rank.R2>[],
  ];
  const n = x.shape[0];
  const forward = () => {
    const s1 = tf.sigmoid(
      tf.add(
        tf.conv2d(x, w1, 1, [
          [0, 0],
          [2, 2],
          [2, 2],
          [0, 0],
        ]),
        b1,
      ),
    ) as tf.Tensor4D;
    const p1 = tf.avgPool(s1, 2, 2, 'valid');
    const s2 = tf.sigmoid(tf.add(tf.conv2d(p1, w2, 1, 'valid'), b2)) as tf.Tensor4D;
    const p2 = tf.avgPool(s2, 2, 2, 'valid');
    const f = tf.reshape(tf.transpose(p2, [0, 3, 1, 2]), [n, 400]) as tf.Tensor2D; // NCHW order, as nn.Flatten
    const a3 = tf.sigmoid(tf.add(tf.matMul(f, w3 as tf.Tensor2D), b3)) as tf.Tensor2D;
    const a4 = tf.sigmoid(tf.add(tf.matMul(a3, w4 as tf.Tensor2D), b4)) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(a4, w5 as tf.Tensor2D), b5) as tf.Tensor2D;
    return { s1, p1, s2, f, a3, a4, logits };
  };
  if (mode === 'infer') {
    let logits: Float32Array = new Float32Array(0);
    return { run: () => (logits = tf.tidy(() => forward().logits.dataSync() as Float32Array)), result: () => [logits] };
  }
  const lr = tf.scalar(0.9);
  const step = () =>
    tf.tidy(() => {
      const { s1, p1, s2, f, a3, a4, logits } = forward();
      const loss = tf.losses.softmaxCrossEntropy(onehot, logits);
      const dz5 = tf.div(tf.sub(tf.softmax(logits), onehot), n) as tf.Tensor2D;
      const dz4 = sigmoidGrad(tf.matMul(dz5, w5 as tf.Tensor2D, false, true), a4) as tf.Tensor2D;
      const dz3 = sigmoidGrad(tf.matMul(dz4, w4 as tf.Tensor2D, false, true), a3) as tf.Tensor2D;
      const dp2 = tf.transpose(tf.reshape(tf.matMul(dz3, w3 as tf.Tensor2D, false, true), [n, 16, 5, 5]), [0, 2, 3, 1]) as tf.Tensor4D;
      const dz2 = sigmoidGrad(avgPoolGrad(dp2, s2), s2) as tf.Tensor4D;
      const dp1 = tf.conv2dTranspose(dz2, w2, p1.shape, 1, 'valid');
      const dz1 = sigmoidGrad(avgPoolGrad(dp1, s1), s1) as tf.Tensor4D;
      const grads = [
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dz1 }, {
          strides: 1,
          pad: [
            [0, 0],
            [2, 2],
            [2, 2],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          filterShape: w1.shape,
        } as never) as tf.Tensor,
        tf.sum(dz1, [0, 1, 2]),
        tf.engine().runKernel('Conv2DBackpropFilter', { x: p1, dy: dz2 }, {
          strides: 1,
          pad: 'valid',
          dataFormat: 'NHWC',
          filterShape: w2.shape,
        } as never) as tf.Tensor,
        tf.sum(dz2, [0, 1, 2]),
        tf.matMul(f, dz3, true, false),
        tf.sum(dz3, 0),
        tf.matMul(a3, dz4, true, false),
        tf.sum(dz4, 0),
        tf.matMul(a4, dz5, true, false),
        tf.sum(dz5, 0),
      ];
      params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(lr, grads[i]))));
      loss.dataSync();
    });
  return { run: step, result: () => fromTf(params, Object.keys(o.state), o.state) };
}

// ---- ONNX Runtime Web: the network as an ONNX graph, its parameters initializers (constants a
// deployed model has, which ORT may pack or fuse once at session creation), the images the input.

function ortLeNet(o: Operands): Promise<Timed> {
  const x = { name: 'x', dims: [...o.x.shape], data: o.x.data };
  const pool = { kernel_shape: [2, 2], strides: [2, 2] };
  const nodes = [
    node('Conv', ['x', '0.weight', '0.bias'], ['z1'], { kernel_shape: [5, 5], pads: [2, 2, 2, 2] }),
    node('Sigmoid', ['z1'], ['s1']),
    node('AveragePool', ['s1'], ['p1'], pool),
    node('Conv', ['p1', '3.weight', '3.bias'], ['z2'], { kernel_shape: [5, 5] }),
    node('Sigmoid', ['z2'], ['s2']),
    node('AveragePool', ['s2'], ['p2'], pool),
    node('Flatten', ['p2'], ['f']),
    node('Gemm', ['f', '7.weight', '7.bias'], ['z3'], { transB: 1 }),
    node('Sigmoid', ['z3'], ['a3']),
    node('Gemm', ['a3', '9.weight', '9.bias'], ['z4'], { transB: 1 }),
    node('Sigmoid', ['z4'], ['a4']),
    node('Gemm', ['a4', '11.weight', '11.bias'], ['logits'], { transB: 1 }),
  ];
  const initializers = Object.entries(o.state).map(([name, t]) => ({ name, dims: [...t.shape], data: t.data }));
  const logits = { name: 'logits', dims: [o.x.shape[0], 10] };
  return ortTimed(onnxModel({ name: 'lenet', nodes, inputs: [x], outputs: [logits], initializers }), [x], 'logits');
}

// ---- PyTorch on one CPU thread, in a child process: its result is checked like every runner's.

const PYTHONS = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);

/** A Python with torch, or null (the table then says why PyTorch is not there). */
function pythonWithTorch(): string | null {
  return PYTHONS.find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
}

/** PyTorch's timings of one batch, its results checked against the references first. */
function measureTorch(batch: number, opts: RunOptions, references: Record<Mode, Float32Array[]>): Timing[] {
  const python = pythonWithTorch();
  if (!python) {
    const skipped = 'no Python with PyTorch found (apt-get install python3-torch, or set PYTHON)';
    return MODES.map((mode) => ({ name: caseName(batch, mode), runner: TORCH, skipped }));
  }
  const o = operands(batch);
  const dir = mkdtempSync(join(tmpdir(), 'wasmconv-lenet-'));
  try {
    const [input, output] = [join(dir, 'operands.safetensors'), join(dir, 'result.safetensors')];
    writeFileSync(input, wc.saveSafetensors({ ...o.state, x: o.x, y: o.y }));
    const script = new URL('./torch_lenet.py', import.meta.url).pathname;
    const child = spawnSync(python, [script, input, output, ...(opts.quick ? ['--quick'] : [])], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`bench: PyTorch's LeNet failed:\n${child.stderr}`);
    const result = wc.loadSafetensors(readFileSync(output));
    checkResult(
      caseName(batch, 'train'),
      TORCH,
      Object.keys(o.state).map((k) => result[k].data),
      references.train,
    );
    checkResult(caseName(batch, 'infer'), TORCH, [result.logits.data], references.infer);
    const times = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<Mode, number[]> & { torch: string };
    torchVersion = times.torch;
    return MODES.map((mode) => {
      const s = Float64Array.from(times[mode]).sort();
      return { name: caseName(batch, mode), runner: TORCH, medianMs: s[s.length >> 1], samples: s.length };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TORCH = 'pytorch';
let torchVersion = '';
const WASM = 'wasm';
const JS = 'js';

function lenetCase(batch: number, mode: Mode): BenchCase {
  return {
    name: caseName(batch, mode),
    setup(runner) {
      if (runner === TFJS_CPU) return tfLeNet(mode, operands(batch));
      if (runner === ORT_WASM) return mode === 'infer' ? ortLeNet(operands(batch)) : ORT_INFERENCE_ONLY;
      return ours(mode, operands(batch));
    },
    reference: () =>
      onBackend('js', () => {
        const call = ours(mode, operands(batch));
        call.run();
        return call.result();
      }),
  };
}

/** Every LeNet case (the relaxed-SIMD, threads and ONNX Runtime Web children time these too). */
export function lenetCases(opts: RunOptions): BenchCase[] {
  return selectCases(
    LENET_BATCHES.flatMap((b) => MODES.map((m) => lenetCase(b, m))),
    opts,
  );
}

/** Times every case here, and the relaxed build, ONNX Runtime Web, n threads and PyTorch in child processes, then prints the table. */
export async function runLeNet(opts: RunOptions): Promise<void> {
  const cases = lenetCases(opts);
  if (cases.length === 0) return;
  const [tfCpu] = tfjsRunners;
  const timings = await measure(cases, [backendRunner('wasm'), backendRunner('js'), tfCpu], opts);
  timings.push(...(await measureChildren(opts, 'lenet', cases, [ORT_WASM])));
  if (runnerSelected(opts, TORCH)) {
    for (const batch of LENET_BATCHES.filter((b) => cases.some((c) => c.name.includes(`batch ${b} `)))) {
      const references = Object.fromEntries(MODES.map((m) => [m, lenetCase(batch, m).reference()])) as Record<Mode, Float32Array[]>;
      timings.push(...measureTorch(batch, opts, references));
    }
  }
  console.log(report(timings, opts.threads));
}

function report(timings: Timing[], threads: number | undefined): string {
  const at = (b: number, m: Mode, r: string) => timings.find((t) => t.name === caseName(b, m) && t.runner === r);
  const cell = (t: Timing | undefined) => (t === undefined ? '' : t.skipped !== undefined ? 'n/a' : formatTime(t.medianMs));
  const perSecond = (b: number, t: Timing | undefined) => (t?.medianMs === undefined ? '' : `${Math.round((b * 1000) / t.medianMs)}`);
  const times = (r: string) => (r === '' ? '' : `${r}×`);
  const rows = LENET_BATCHES.flatMap((b) =>
    MODES.filter((m) => at(b, m, WASM)).map((m) => [
      caseName(b, m),
      ...[WASM, RELAXED, JS, TORCH, TFJS_CPU, ORT_WASM].map((r) => cell(at(b, m, r))),
      perSecond(b, at(b, m, WASM)),
      perSecond(b, at(b, m, TORCH)),
      times(ratio(at(b, m, TORCH), at(b, m, WASM))),
      times(ratio(at(b, m, TFJS_CPU), at(b, m, WASM))),
      times(ratio(at(b, m, ORT_WASM), at(b, m, WASM))),
      ...(threads === undefined
        ? []
        : [
            cell(at(b, m, ONE_THREAD)),
            cell(at(b, m, THREADED)),
            times(ratio(at(b, m, ONE_THREAD), at(b, m, THREADED))),
            times(ceiling(at(b, m, ONE_THREAD), at(b, m, TWO_PROCESSES))),
          ]),
    ]),
  );
  // the threads children's 1-thread and n-thread medians, timed in turns, and the ceiling (bench/harness.ts measureThreaded)
  const threadColumns =
    threads === undefined
      ? []
      : ['wasm 1 thread (child)', `wasm ${threads} threads (child)`, `speed-up on ${threads} threads`, 'ceiling (two 1-thread processes)'];
  /** Why a runner's cells say n/a. */
  const notes = [
    [TORCH, 'PyTorch'],
    [ORT_WASM, 'ORT wasm'],
  ].flatMap(([runner, label]) => {
    const skipped = timings.find((t) => t.runner === runner && t.skipped)?.skipped;
    return skipped ? [`${label}: ${skipped}`] : [];
  });
  const ort = timings.some((t) => t.runner === ORT_WASM) ? `; ${ORT_LABEL}` : '';
  return [
    `### d2l's LeNet (median per call${torchVersion ? `; PyTorch ${torchVersion}, one thread` : ''}${ort})`,
    '',
    markdownTable(
      [
        'case',
        'wasm',
        'wasm relaxed',
        'js',
        'PyTorch CPU',
        'TF.js cpu',
        'ORT wasm',
        'wasm examples/s',
        'PyTorch examples/s',
        'wasm vs PyTorch',
        'wasm vs TF.js cpu',
        'wasm vs ORT wasm',
        ...threadColumns,
      ],
      rows,
    ),
    ...notes.flatMap((n) => ['', n]),
  ].join('\n');
}
