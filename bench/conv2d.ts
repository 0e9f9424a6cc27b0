// conv2d: the ten cases of the speed issue (a: the notebook's 6×8 image … j: a 1×1 conv of 256
// channels), forward, input gradient, weight gradient, the whole backward (dX + dW + db) and one
// SGD training step, on wasmconv's wasm backend (the plain SIMD build here, the relaxed-SIMD
// build in a child process), its js backend, TF.js's CPU and wasm backends (bench/peers.ts) and,
// on the forward only, ONNX Runtime Web's wasm (bench/onnx.ts), then the issue's targets checked
// on ratios of this run's medians.
// GFLOP/s counts 2·N·O·Ho·Wo·(C/groups)·kh·kw per forward, as much again for each of the input
// and weight gradients (the bias terms are not counted): backward 2×, a training step (forward,
// then dX, dW, db, the MSE loss and the SGD update: a hidden layer's step) 3×.
import * as wc from 'wasmconv';
import {
  backendRunner,
  type BenchCase,
  formatTime,
  gflops,
  markdownTable,
  measure,
  measureChildren,
  RELAXED,
  onBackend,
  ratio,
  ceiling,
  type RunOptions,
  type Runner,
  selectCases,
  Skip,
  ONE_THREAD,
  THREADED,
  TWO_PROCESSES,
  type Timed,
  type Timing,
} from './harness.js';
import { CONV_CASES, type ConvCase, type ConvSpec } from './conv-cases.js';
import { ORT_INFERENCE_ONLY, ORT_LABEL, ORT_WASM, ortForward } from './onnx.js';
import { type CaseData, TFJS_CPU, TFJS_WASM, tfBackward, tfForward, tfGradInput, tfjsRunners, tfTrainStep } from './peers.js';

/** The --quick subset: the tiny case, one big single-channel image, a LeNet layer, the depthwise case. */
const QUICK = ['a', 'b', 'd', 'h'];

/** Cases whose plain-JS runs (our js backend, TF.js cpu) take ~10 s a call: skipped there. */
const TOO_SLOW_FOR_JS = new Skip('f is e on 8 images: ~10 s a call in plain JS, see e');

type Mode = 'forward' | 'dX' | 'dW' | 'backward' | 'train';
const MODES: Mode[] = ['forward', 'dX', 'dW', 'backward', 'train'];
/** Forward FLOPs per call, per mode. */
const FLOP_FACTOR: Record<Mode, number> = { forward: 1, dX: 1, dW: 1, backward: 2, train: 3 };

const WASM = 'wasm';
const JS = 'js';
const ourRunners = [backendRunner('wasm'), backendRunner('js')];
const [tfCpu, tfWasm] = tfjsRunners;
/** Who runs each mode in this process (the relaxed build runs every mode, in the child; ONNX Runtime Web only infers). */
const RUNNERS: Record<Mode, Runner[]> = {
  forward: [...ourRunners, tfCpu, tfWasm],
  dX: [ourRunners[0], tfWasm],
  dW: [ourRunners[0]],
  backward: [...ourRunners, tfCpu],
  train: [...ourRunners, tfCpu],
};

function outSize(size: number, k: number, s: ConvSpec): number {
  return Math.floor((size + 2 * s.pad - s.dilation * (k - 1) - 1) / s.stride) + 1;
}

function outShape(s: ConvSpec): number[] {
  return [s.n, s.o, outSize(s.h, s.kh, s), outSize(s.w, s.kw, s)];
}

function forwardFlops(s: ConvSpec): number {
  const [n, o, ho, wo] = outShape(s);
  return 2 * n * o * ho * wo * (s.c / s.groups) * s.kh * s.kw;
}

const caseName = (s: ConvCase, mode: Mode) => `conv2d ${s.id}/${mode}`;

/**
 * A case's operands, the same numbers for every runner (TF.js gets them in its layouts): x, the
 * weight w, bias b and output gradient dy for the forward and gradients; for a training step the
 * initial weight and bias of nn.Conv2d (seed 4) and the MSE target.
 */
function caseData(s: ConvSpec): CaseData {
  const layer = new wc.nn.Conv2d(s.c, s.o, [s.kh, s.kw], { ...convOptions(s), seed: 4 });
  return {
    x: wc.randn([s.n, s.c, s.h, s.w], { seed: 1 }).data,
    w: wc.randn([s.o, s.c / s.groups, s.kh, s.kw], { seed: 2 }).data,
    b: wc.randn([s.o], { seed: 3 }).data,
    dy: wc.randn(outShape(s), { seed: 6 }).data,
    target: wc.randn(outShape(s), { seed: 5 }).data,
    trainW: layer.weight.data,
    trainB: layer.bias!.data,
  };
}

const convOptions = (s: ConvSpec): wc.Conv2dOptions => ({ stride: s.stride, padding: s.pad, dilation: s.dilation, groups: s.groups });

/**
 * The timed call of wasmconv (the active backend) for a case and mode, on the case's operands
 * (copied into tensors here, untimed), and its result: the output (forward), the gradients asked
 * for (dX, dW, backward: dX, dW, db), or after a training step the layer's weight and bias and dX.
 */
function ours(s: ConvSpec, mode: Mode, d: CaseData): Timed {
  const opts = convOptions(s);
  const x = wc.tensor(d.x, [s.n, s.c, s.h, s.w]);
  const w = wc.tensor(d.w, [s.o, s.c / s.groups, s.kh, s.kw]);
  const b = wc.tensor(d.b, [s.o]);
  if (mode === 'forward') {
    let y: wc.Tensor | null = null;
    return { run: () => (y = wc.conv2d(x, w, null, opts)), result: () => [y!.data] };
  }
  if (mode === 'train') {
    const layer = new wc.nn.Conv2d(s.c, s.o, [s.kh, s.kw], opts);
    layer.loadStateDict({ weight: wc.tensor(d.trainW, [...layer.weight.shape]), bias: wc.tensor(d.trainB, [s.o]) });
    const sgd = new wc.optim.SGD(layer.parameters(), { lr: 1e-3 });
    const target = wc.tensor(d.target, outShape(s));
    x.requiresGrad = true;
    return {
      run() {
        sgd.zeroGrad();
        x.grad = null;
        wc.mseLoss(layer.forward(x), target).backward();
        sgd.step();
      },
      result: () => [layer.weight.data, layer.bias!.data, x.grad!.data],
    };
  }
  // the graph is recorded once; each call runs the backward pass again from the same dY
  x.requiresGrad = mode !== 'dW';
  w.requiresGrad = mode !== 'dX';
  b.requiresGrad = mode === 'backward';
  const y = wc.conv2d(x, w, mode === 'backward' ? b : null, opts);
  const dy = wc.tensor(d.dy, [...y.shape]);
  const wanted = { dX: [x], dW: [w], backward: [x, w, b] }[mode];
  return {
    run() {
      x.grad = w.grad = b.grad = null;
      y.backward(dy);
    },
    result: () => wanted.map((t) => t.grad!.data),
  };
}

function benchCase(s: ConvCase, mode: Mode): BenchCase {
  return {
    name: caseName(s, mode),
    flops: FLOP_FACTOR[mode] * forwardFlops(s),
    setup(runner) {
      const plainJs = runner === JS || runner === TFJS_CPU;
      if (s.id === 'f' && plainJs) return TOO_SLOW_FOR_JS;
      const data = caseData(s);
      if (runner === ORT_WASM) {
        return mode === 'forward' ? ortForward(s, data, outShape(s)) : ORT_INFERENCE_ONLY;
      }
      if (runner === TFJS_CPU || runner === TFJS_WASM) {
        if (mode === 'forward') return tfForward(s, data, outShape(s));
        if (mode === 'dX') return tfGradInput(s, data, outShape(s));
        if (mode === 'backward') return tfBackward(s, data, outShape(s));
        if (mode === 'train') return tfTrainStep(s, data, outShape(s));
        throw new Error(`bench: TF.js has no ${mode} case`);
      }
      return ours(s, mode, data);
    },
    // the js backend even where it is too slow to time (case f: ~10 s a call)
    reference: () =>
      onBackend('js', () => {
        const call = ours(s, mode, caseData(s));
        call.run();
        return call.result();
      }),
  };
}

/** Every conv2d case and mode (the relaxed-SIMD, threads and ONNX Runtime Web children time these too). */
export function conv2dCases(opts: RunOptions): BenchCase[] {
  const specs = CONV_CASES.filter((s) => !opts.quick || QUICK.includes(s.id));
  return selectCases(
    specs.flatMap((s) => MODES.map((m) => benchCase(s, m))),
    opts,
  );
}

/** Times every case in this process, and the relaxed build, ONNX Runtime Web and n threads in child processes, then prints the tables and targets. */
export async function runConv2d(opts: RunOptions): Promise<void> {
  const cases = conv2dCases(opts);
  if (cases.length === 0) return;
  const timings: Timing[] = [];
  for (const mode of MODES) {
    timings.push(
      ...(await measure(
        cases.filter((c) => c.name.endsWith(`/${mode}`)),
        RUNNERS[mode],
        opts,
      )),
    );
  }
  timings.push(...(await measureChildren(opts, 'conv2d', cases, [ORT_WASM])));
  console.log(report(timings, opts.threads));
}

/** "1.23 ms · 45.6": the median and GFLOP/s of one timing, or n/a with a note number. */
function cell(t: Timing | undefined, notes: string[]): string {
  if (t === undefined) return '';
  if (t.skipped !== undefined) {
    if (!notes.includes(t.skipped)) notes.push(t.skipped);
    return `n/a (${notes.indexOf(t.skipped) + 1})`;
  }
  return `${formatTime(t.medianMs)} · ${gflops(t)}${t.samples === 1 ? ' (1 call)' : ''}`;
}

const times = (r: string) => (r === '' ? '' : `${r}×`);

function report(timings: Timing[], threads: number | undefined): string {
  const at = (s: ConvCase, mode: Mode, runner: string) => timings.find((t) => t.name === caseName(s, mode) && t.runner === runner);
  const ran = CONV_CASES.filter((s) => MODES.some((m) => at(s, m, WASM)));
  /** The cases timed in any of `modes` (a --filter may have left some out). */
  const rowsOf = (modes: Mode[]) => ran.filter((s) => modes.some((m) => at(s, m, WASM)));
  const shape = (s: ConvCase) =>
    `${s.id}: ${s.n},${s.c},${s.h},${s.w}→${s.o} ${s.kh}×${s.kw}` +
    (s.stride > 1 ? ` s${s.stride}` : '') +
    (s.pad ? ` p${s.pad}` : '') +
    (s.dilation > 1 ? ` d${s.dilation}` : '') +
    (s.groups > 1 ? ` g${s.groups}` : '');
  const notes: string[] = [];
  const forward = markdownTable(
    ['case', 'wasm', 'wasm relaxed', 'js', 'TF.js cpu', 'TF.js wasm', 'ORT wasm', 'wasm vs TF.js wasm', 'wasm vs ORT wasm', 'wasm vs js'],
    rowsOf(['forward']).map((s) => [
      shape(s),
      ...[WASM, RELAXED, JS, TFJS_CPU, TFJS_WASM, ORT_WASM].map((r) => cell(at(s, 'forward', r), notes)),
      times(ratio(at(s, 'forward', TFJS_WASM), at(s, 'forward', WASM))),
      times(ratio(at(s, 'forward', ORT_WASM), at(s, 'forward', WASM))),
      times(ratio(at(s, 'forward', JS), at(s, 'forward', WASM))),
    ]),
  );
  const backward = markdownTable(
    [
      'case',
      'wasm dX+dW+db',
      'wasm relaxed',
      'js',
      'TF.js cpu',
      'wasm dX',
      'wasm dW',
      'TF.js wasm dX',
      'dX vs TF.js wasm',
      'backward ÷ forward',
    ],
    rowsOf(['backward', 'dX', 'dW']).map((s) => [
      shape(s),
      ...[WASM, RELAXED, JS, TFJS_CPU].map((r) => cell(at(s, 'backward', r), notes)),
      cell(at(s, 'dX', WASM), notes),
      cell(at(s, 'dW', WASM), notes),
      cell(at(s, 'dX', TFJS_WASM), notes),
      times(ratio(at(s, 'dX', TFJS_WASM), at(s, 'dX', WASM))),
      times(ratio(at(s, 'backward', WASM), at(s, 'forward', WASM))),
    ]),
  );
  const train = markdownTable(
    ['case', 'wasm', 'wasm relaxed', 'js', 'TF.js cpu', 'wasm vs TF.js cpu', 'wasm vs js'],
    rowsOf(['train']).map((s) => [
      shape(s),
      ...[WASM, RELAXED, JS, TFJS_CPU].map((r) => cell(at(s, 'train', r), notes)),
      times(ratio(at(s, 'train', TFJS_CPU), at(s, 'train', WASM))),
      times(ratio(at(s, 'train', JS), at(s, 'train', WASM))),
    ]),
  );
  return [
    `### conv2d forward (median · GFLOP/s${timings.some((t) => t.runner === ORT_WASM) ? `; ${ORT_LABEL}` : ''})`,
    '',
    forward,
    '',
    '### conv2d backward: dX + dW + db, and each gradient alone (median · GFLOP/s)',
    '',
    backward,
    '',
    '### conv2d training step: forward, backward, MSE loss, SGD update (median · GFLOP/s)',
    '',
    train,
    '',
    ...notes.map((n, i) => `(${i + 1}) ${n}`),
    '',
    ...(threads === undefined ? [] : [threadsTable(ran, at, threads), '']),
    '### The targets, on ratios of the medians above',
    '',
    targets(ran, at),
  ].join('\n');
}

/**
 * The threads children's medians on one thread and on `threads`, timed in turns, the speed-up, and
 * the ceiling: two 1-thread processes at once (bench/harness.ts measureThreaded).
 */
function threadsTable(ran: ConvCase[], at: Lookup, threads: number): string {
  const rows = ran.flatMap((s) =>
    MODES.filter((m) => at(s, m, THREADED)).map((m) => [
      `${s.id} ${m}`,
      cell(at(s, m, ONE_THREAD), []),
      cell(at(s, m, THREADED), []),
      times(ratio(at(s, m, ONE_THREAD), at(s, m, THREADED))),
      cell(at(s, m, TWO_PROCESSES), []),
      times(ceiling(at(s, m, ONE_THREAD), at(s, m, TWO_PROCESSES))),
    ]),
  );
  return [
    `### conv2d on ${threads} threads (plain SIMD build; a 1-thread and a ${threads}-thread child process timed in turns; median · GFLOP/s)`,
    '',
    markdownTable(
      [
        'case',
        'wasm, 1 thread',
        `wasm, ${threads} threads`,
        `speed-up (1-thread median / ${threads}-thread median)`,
        'two 1-thread processes at once',
        'ceiling (2 × 1-thread median / theirs)',
      ],
      rows,
    ),
  ].join('\n');
}

type Lookup = (s: ConvCase, mode: Mode, runner: string) => Timing | undefined;

/** The speed issue's targets as rows: what was asked, what this run measured, met or not. */
function targets(ran: ConvCase[], at: Lookup): string {
  const byId = (ids: string) => ran.filter((s) => ids.includes(s.id));
  const speedups = (cases: ConvCase[], mode: Mode, slowRunner: string, fastRunner: string, fastMode = mode) =>
    cases.map((s) => ({ id: s.id, r: ratio(at(s, mode, slowRunner), at(s, fastMode, fastRunner)) })).filter((x) => x.r !== '');
  const row = (target: string, values: { id: string; r: string }[], ok: (r: number) => boolean): string[] => {
    if (values.length === 0) return [target, 'not measured in this run', ''];
    const measured = values.map((v) => `${v.id} ${v.r}`).join(', ');
    const failed = values.filter((v) => !ok(Number(v.r))).map((v) => v.id);
    return [target, measured, failed.length === 0 ? 'yes' : `no: ${failed.join(', ')}`];
  };
  const e = byId('e');
  const dwE = e.map((s) => at(s, 'dW', WASM)).filter((t) => t?.medianMs !== undefined);
  const a = byId('a')
    .map((s) => at(s, 'forward', WASM))
    .filter((t) => t?.medianMs !== undefined);
  return markdownTable(
    ['target', 'measured (×: ratio of medians)', 'met'],
    [
      row('forward ≥ 1.1× TF.js wasm on d–j', speedups(byId('defghij'), 'forward', TFJS_WASM, WASM), (r) => r >= 1.1),
      row('forward ≥ 3× TF.js wasm on b, c, h', speedups(byId('bch'), 'forward', TFJS_WASM, WASM), (r) => r >= 3),
      row('input gradient ≥ 10× TF.js wasm on b–j', speedups(byId('bcdefghij'), 'dX', TFJS_WASM, WASM), (r) => r >= 10),
      row(
        'weight gradient ≥ 25 GFLOP/s on e',
        dwE.map((t) => ({ id: 'e', r: gflops(t) })),
        (r) => r >= 25,
      ),
      row('backward (dX+dW+db) ≤ 2.2× our forward', speedups(ran, 'backward', WASM, WASM, 'forward'), (r) => r <= 2.2),
      row(
        '≥ 50× our js backend on e (forward, backward)',
        [
          ...speedups(e, 'forward', JS, WASM).map((v) => ({ ...v, id: 'forward' })),
          ...speedups(e, 'backward', JS, WASM).map((v) => ({ ...v, id: 'backward' })),
        ],
        (r) => r >= 50,
      ),
      row('relaxed SIMD ≥ 1.15× plain SIMD on e (forward)', speedups(e, 'forward', WASM, RELAXED), (r) => r >= 1.15),
      row(
        'case a < 3 µs per call (forward, µs)',
        a.map((t) => ({ id: 'a', r: (t!.medianMs! * 1000).toFixed(2) })),
        (r) => r < 3,
      ),
    ],
  );
}
