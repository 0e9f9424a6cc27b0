// Fuzzing the window ops (conv2d, convTranspose2d, pad, unfold, fold) with random configurations,
// valid and invalid alike. Each configuration is judged by an oracle written from PyTorch's rules
// (below, one per op); a valid one must run on both backends and agree, forward and backward,
// wasm vs js within 1e-4; an invalid one must throw the contract's error (its class, the op's
// name first) on both backends, write nothing to WebAssembly memory, and leave the next valid call
// exact. A second family swaps one argument for a value of the wrong kind: always a TypeError.
//
// CI runs FUZZ_RUNS cases per property (default 300) from the fixed seed FC_SEED; for a long local
// run: FUZZ_RUNS=10000 npx vitest run tests/reliability/fuzz.test.ts (FUZZ_SEED picks another seed).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { wasmRuntime } from '../../src/wasm/loader.js';
import { BACKENDS, expectClose, FC_SEED, onBackend, randomData } from '../helpers.js';

beforeAll(() => wc.init());

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? FC_SEED : Number(process.env.FUZZ_SEED);
const PARAMS = { seed: SEED, numRuns: RUNS };
/** Long local runs take about 1 ms a case per property; vitest's default timeout is for CI's short run. */
const TIMEOUT = Math.max(60_000, RUNS * 10);

type Pair = [number, number];
type IntOrPair = number | Pair;
type Kind = typeof TypeError | typeof RangeError;

const int = (min: number, max: number) => fc.integer({ min, max });
const intOrPair = (min: number, max: number): fc.Arbitrary<IntOrPair> => fc.oneof(int(min, max), fc.tuple(int(min, max), int(min, max)));
/** Mostly `usual`, sometimes anything from `wide` (which may be out of range). */
const mostly = <T>(usual: fc.Arbitrary<T>, wide: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: usual, weight: 5 }, { arbitrary: wide, weight: 1 });
const asPair = (v: IntOrPair): Pair => (typeof v === 'number' ? [v, v] : v);
/** PyTorch's number of window positions along one dim. */
const windows = (size: number, padTotal: number, k: number, s: number, d: number) =>
  Math.floor((size + padTotal - d * (k - 1) - 1) / s) + 1;
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

// ---- the harness --------------------------------------------------------------------------------

const counts: Record<string, { valid: number; invalid: number }> = {};
const tally = (name: string, valid: boolean) => {
  counts[name] ??= { valid: 0, invalid: 0 };
  counts[name][valid ? 'valid' : 'invalid']++;
};
afterAll(() => {
  const total = Object.values(counts).reduce((s, c) => s + c.valid + c.invalid, 0);
  const detail = Object.entries(counts)
    .map(([k, c]) => `${k} ${c.valid} valid / ${c.invalid} invalid`)
    .join('; ');
  console.log(`fuzz.test: ${total} cases (seed ${SEED}, ${RUNS} per property): ${detail}`);
});

/** Tensors built afresh for each backend: the same seeded data, leaves requiring grad. */
type Build = () => { leaves: Tensor[]; run: () => Tensor };

/** Forward output and the leaves' gradients under a fixed random upstream gradient. */
function forwardBackward(build: Build): Float32Array[] {
  const { leaves, run } = build();
  const y = run();
  if (y.size > 0) y.backward(wc.tensor(randomData(y.size, 99), [...y.shape]));
  return [y.data, ...leaves.map((t) => t.grad?.data ?? new Float32Array(0))];
}

/** Fills the free WebAssembly heap with NaN, so a kernel that reads a slot it never wrote shows it. */
function poisonWasmHeap(): void {
  const { arena, exports } = wasmRuntime('fuzz');
  arena.f32().fill(NaN, Math.ceil(exports.heap_base() / 4));
}

/** A valid configuration: runs on both backends (on a poisoned wasm heap) and agrees within 1e-4. */
function expectAgree(build: Build): void {
  poisonWasmHeap();
  const [js, wasm] = BACKENDS.map((b) => onBackend(b, () => forwardBackward(build)));
  js.forEach((want, i) => expectClose(wasm[i], want, 1e-4, 1e-4));
}

const leaf = (shape: number[], seed: number) => wc.tensor(randomData(sizeOf(shape), seed), shape, { requiresGrad: true });

/** A fixed valid call and its answer on each backend, recomputed after every misuse. */
const canary = () =>
  forwardBackward(() => {
    const x = leaf([2, 3, 6, 6], 1);
    const w = leaf([4, 3, 3, 3], 2);
    return { leaves: [x, w], run: () => wc.conv2d(x, w, null, { padding: 1, stride: 2 }) };
  });
let canaryWant: Record<string, Float32Array[]> = {};
beforeAll(() => {
  canaryWant = Object.fromEntries(BACKENDS.map((b) => [b, onBackend(b, canary)]));
});

function wasmMemory(): Uint8Array {
  return new Uint8Array(wasmRuntime('fuzz').exports.memory.buffer).slice();
}

/** An invalid call: the contract's error on both backends, nothing written to wasm memory, the next valid call exact. */
function expectRefused(op: string, kind: Kind, call: () => unknown): void {
  for (const backend of BACKENDS) {
    onBackend(backend, () => {
      const before = wasmMemory();
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      if (!(err instanceof Error) || err.constructor !== kind || !err.message.startsWith(`${op}: `)) {
        expect.fail(
          `${backend}: expected a ${kind.name} starting "${op}: ", got ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`,
        );
      }
      expect(Buffer.compare(wasmMemory(), before), 'an invalid call wrote to WebAssembly memory').toBe(0);
      canary().forEach((a, i) => expect(a).toEqual(canaryWant[backend][i]));
    });
  }
}

// ---- conv2d -------------------------------------------------------------------------------------

const conv2dCase = fc.record({
  batched: fc.boolean(),
  n: int(0, 2), // PyTorch accepts an empty batch
  groups: mostly(int(1, 3), int(0, 3)),
  cg: int(1, 3),
  og: int(1, 2),
  extraChannel: fc.constantFrom(0, 0, 0, 0, 0, 0, 1),
  h: int(1, 7),
  w: int(1, 7),
  kh: int(1, 4),
  kw: int(1, 4),
  stride: mostly(intOrPair(1, 3), intOrPair(0, 3)),
  dilation: mostly(intOrPair(1, 2), intOrPair(0, 3)),
  padding: fc.oneof(mostly(intOrPair(0, 2), intOrPair(-1, 3)), fc.constantFrom('same' as const, 'valid' as const)),
  paddingMode: fc.constantFrom('zeros', 'reflect', 'replicate', 'circular') as fc.Arbitrary<wc.PaddingMode>,
  bias: fc.constantFrom('none', 'ok', 'ok', 'ok', 'ok', 'wrong shape'),
  seed: int(1, 10_000),
});
type Conv2dCase = typeof conv2dCase extends fc.Arbitrary<infer T> ? T : never;

/** torch.nn.functional.conv2d's rules, with nn.Conv2d's padding modes (F.pad then no padding). */
function conv2dIsValid(c: Conv2dCase): boolean {
  const [sh, sw] = asPair(c.stride);
  const [dh, dw] = asPair(c.dilation);
  if (c.groups < 1 || Math.min(sh, sw, dh, dw) < 1 || c.extraChannel !== 0 || c.bias === 'wrong shape') return false;
  let pads: { top: number; bottom: number; left: number; right: number };
  if (c.padding === 'same') {
    if (sh !== 1 || sw !== 1) return false;
    const [th, tw] = [dh * (c.kh - 1), dw * (c.kw - 1)];
    pads = { top: Math.floor(th / 2), bottom: th - Math.floor(th / 2), left: Math.floor(tw / 2), right: tw - Math.floor(tw / 2) };
  } else {
    const [ph, pw] = c.padding === 'valid' ? [0, 0] : asPair(c.padding);
    if (ph < 0 || pw < 0) return false;
    pads = { top: ph, bottom: ph, left: pw, right: pw };
  }
  if (windows(c.h, pads.top + pads.bottom, c.kh, sh, dh) < 1 || windows(c.w, pads.left + pads.right, c.kw, sw, dw) < 1) return false;
  const alongH = [pads.top, pads.bottom];
  const alongW = [pads.left, pads.right];
  if (c.paddingMode === 'reflect') return alongH.every((p) => p < c.h) && alongW.every((p) => p < c.w);
  if (c.paddingMode === 'circular') return alongH.every((p) => p <= c.h) && alongW.every((p) => p <= c.w);
  return true;
}

function conv2dBuild(c: Conv2dCase): Build {
  const g = Math.max(c.groups, 1);
  const inShape = [g * c.cg + c.extraChannel, c.h, c.w];
  const xShape = c.batched ? [c.n, ...inShape] : inShape;
  const wShape = [g * c.og, c.cg, c.kh, c.kw];
  const opts = { stride: c.stride, dilation: c.dilation, padding: c.padding, groups: c.groups, paddingMode: c.paddingMode };
  return () => {
    const x = leaf(xShape, c.seed);
    const w = leaf(wShape, c.seed + 1);
    const b = c.bias === 'none' ? null : leaf([wShape[0] + (c.bias === 'wrong shape' ? 1 : 0)], c.seed + 2);
    return { leaves: b ? [x, w, b] : [x, w], run: () => wc.conv2d(x, w, b, opts) };
  };
}

// ---- convTranspose2d ----------------------------------------------------------------------------

const convTCase = fc.record({
  batched: fc.boolean(),
  n: int(1, 2),
  groups: mostly(int(1, 3), int(0, 3)),
  cig: int(1, 3),
  og: int(1, 2),
  extraChannel: fc.constantFrom(0, 0, 0, 0, 0, 0, 1),
  h: int(1, 5),
  w: int(1, 5),
  kh: int(1, 4),
  kw: int(1, 4),
  stride: mostly(intOrPair(1, 3), intOrPair(0, 3)),
  dilation: mostly(intOrPair(1, 2), intOrPair(0, 3)),
  padding: mostly(intOrPair(0, 2), intOrPair(-1, 3)),
  outputPadding: mostly(intOrPair(0, 1), intOrPair(-1, 3)),
  bias: fc.constantFrom('none', 'ok', 'ok', 'ok', 'ok', 'wrong shape'),
  seed: int(1, 10_000),
});
type ConvTCase = typeof convTCase extends fc.Arbitrary<infer T> ? T : never;

/** torch.nn.functional.conv_transpose2d's rules: output_padding below stride or dilation, an output of at least 1. */
function convTIsValid(c: ConvTCase): boolean {
  const [sh, sw] = asPair(c.stride);
  const [dh, dw] = asPair(c.dilation);
  const [ph, pw] = asPair(c.padding);
  const [oph, opw] = asPair(c.outputPadding);
  if (c.groups < 1 || Math.min(sh, sw, dh, dw) < 1 || Math.min(ph, pw, oph, opw) < 0) return false;
  if (c.extraChannel !== 0 || c.bias === 'wrong shape') return false;
  if (oph >= Math.max(sh, dh) || opw >= Math.max(sw, dw)) return false;
  const outH = (c.h - 1) * sh - 2 * ph + dh * (c.kh - 1) + oph + 1;
  const outW = (c.w - 1) * sw - 2 * pw + dw * (c.kw - 1) + opw + 1;
  return outH >= 1 && outW >= 1;
}

function convTBuild(c: ConvTCase): Build {
  const g = Math.max(c.groups, 1);
  const inShape = [g * c.cig + c.extraChannel, c.h, c.w];
  const xShape = c.batched ? [c.n, ...inShape] : inShape;
  const wShape = [g * c.cig, c.og, c.kh, c.kw];
  const opts = { stride: c.stride, dilation: c.dilation, padding: c.padding, outputPadding: c.outputPadding, groups: c.groups };
  return () => {
    const x = leaf(xShape, c.seed);
    const w = leaf(wShape, c.seed + 1);
    const b = c.bias === 'none' ? null : leaf([g * c.og + (c.bias === 'wrong shape' ? 1 : 0)], c.seed + 2);
    return { leaves: b ? [x, w, b] : [x, w], run: () => wc.convTranspose2d(x, w, b, opts) };
  };
}

// ---- pad ----------------------------------------------------------------------------------------

const padCase = fc.record({
  lead: fc.array(int(1, 2), { maxLength: 2 }),
  h: mostly(int(1, 5), int(0, 5)),
  w: mostly(int(1, 5), int(0, 5)),
  padding: mostly(
    fc.array(mostly(int(0, 3), int(-3, 4)), { minLength: 2, maxLength: 2 }),
    fc.array(int(-3, 4), { minLength: 1, maxLength: 5 }),
  ).chain((p) => fc.oneof(fc.constant(p), fc.array(mostly(int(0, 3), int(-3, 4)), { minLength: 4, maxLength: 4 }))),
  mode: mostly(fc.constantFrom('constant', 'reflect', 'replicate', 'circular'), fc.constant('wrap')),
  value: fc.option(fc.constantFrom(0, 2.5, -1), { freq: 4 }),
  seed: int(1, 10_000),
});
type PadCase = typeof padCase extends fc.Arbitrary<infer T> ? T : never;

/** torch.nn.functional.pad's rules over the last two dims ([left, right, top, bottom]); null when valid. */
function padError(c: PadCase): Kind | null {
  if (c.padding.length !== 2 && c.padding.length !== 4) return RangeError;
  if (!['constant', 'reflect', 'replicate', 'circular'].includes(c.mode)) return RangeError;
  if (c.value !== null && c.mode !== 'constant') return TypeError; // only constant mode takes a fill value
  const [left, right, top = 0, bottom = 0] = c.padding;
  const dimOk = (n: number, before: number, after: number) => {
    if (c.mode === 'reflect') return n >= 1 && before < n && after < n;
    if (c.mode === 'replicate') return n >= 1;
    const kept = n - Math.max(-before, 0) - Math.max(-after, 0);
    if (kept < 0) return false;
    return c.mode === 'constant' || (before <= kept && after <= kept);
  };
  if (!dimOk(c.h, top, bottom) || !dimOk(c.w, left, right)) return RangeError;
  // constant mode with only crops narrows (an empty result is fine); otherwise the output must be non-empty
  const grows = c.padding.some((p) => p > 0);
  const empty = c.h + top + bottom < 1 || c.w + left + right < 1;
  if (empty && (c.mode === 'reflect' || c.mode === 'replicate' || (c.mode === 'constant' && grows))) return RangeError;
  return null;
}

function padBuild(c: PadCase): Build {
  return () => {
    const x = leaf([...c.lead, c.h, c.w], c.seed);
    return { leaves: [x], run: () => wc.pad(x, c.padding, c.mode as wc.PadMode, c.value ?? undefined) };
  };
}

// ---- unfold and fold ----------------------------------------------------------------------------

const windowOpts = {
  stride: mostly(intOrPair(1, 3), intOrPair(0, 3)),
  dilation: mostly(intOrPair(1, 2), intOrPair(0, 3)),
  padding: mostly(intOrPair(0, 2), intOrPair(-1, 2)),
};

const unfoldCase = fc.record({
  rank: mostly(int(3, 4), int(2, 4)),
  n: int(1, 2),
  c: int(1, 3),
  h: mostly(int(1, 6), int(0, 6)),
  w: mostly(int(1, 6), int(0, 6)),
  kernel: mostly(intOrPair(1, 4), intOrPair(0, 5)),
  ...windowOpts,
  seed: int(1, 10_000),
});
type UnfoldCase = typeof unfoldCase extends fc.Arbitrary<infer T> ? T : never;

/** The windows [outH, outW] of a window op, or null when an option or the size is out of range. */
function windowCount(size: Pair, kernel: IntOrPair, o: { stride: IntOrPair; dilation: IntOrPair; padding: IntOrPair }): Pair | null {
  const [kh, kw] = asPair(kernel);
  const [sh, sw] = asPair(o.stride);
  const [dh, dw] = asPair(o.dilation);
  const [ph, pw] = asPair(o.padding);
  if (Math.min(kh, kw, sh, sw, dh, dw) < 1 || Math.min(ph, pw) < 0) return null;
  const out: Pair = [windows(size[0], 2 * ph, kh, sh, dh), windows(size[1], 2 * pw, kw, sw, dw)];
  return out[0] >= 1 && out[1] >= 1 ? out : null;
}

/** torch.nn.functional.unfold's rules: an image [N, C, H, W] or [C, H, W] with at least one window. */
const unfoldIsValid = (c: UnfoldCase) => c.rank >= 3 && c.h >= 1 && c.w >= 1 && windowCount([c.h, c.w], c.kernel, c) !== null;

function unfoldBuild(c: UnfoldCase): Build {
  const shape = [c.n, c.c, c.h, c.w].slice(4 - c.rank);
  const opts = { stride: c.stride, dilation: c.dilation, padding: c.padding };
  return () => {
    const x = leaf(shape, c.seed);
    return { leaves: [x], run: () => wc.unfold(x, c.kernel, opts) };
  };
}

const foldCase = fc.record({
  rank: mostly(int(2, 3), int(2, 4)),
  n: int(1, 2),
  c: int(1, 3),
  outputSize: mostly(intOrPair(1, 6), intOrPair(0, 6)),
  kernel: mostly(intOrPair(1, 4), intOrPair(0, 4)),
  ...windowOpts,
  extraRow: fc.constantFrom(0, 0, 0, 0, 0, 1),
  extraBlock: fc.constantFrom(0, 0, 0, 0, 0, 1),
  seed: int(1, 10_000),
});
type FoldCase = typeof foldCase extends fc.Arbitrary<infer T> ? T : never;

/** The input shape of a fold case: C·kh·kw rows (maybe one too many) and the window count (maybe one too many). */
function foldShape(c: FoldCase): number[] {
  const [kh, kw] = asPair(c.kernel);
  const blocks = windowCount(asPair(c.outputSize), c.kernel, c);
  const rows = c.c * Math.max(kh, 1) * Math.max(kw, 1) + c.extraRow;
  const cols = (blocks ? blocks[0] * blocks[1] : 2) + c.extraBlock;
  return c.rank === 2 ? [rows, cols] : c.rank === 3 ? [c.n, rows, cols] : [c.n, rows, cols, 1];
}

/** torch.nn.functional.fold's rules: rows a multiple of kh·kw, as many blocks as outputSize holds. */
function foldIsValid(c: FoldCase): boolean {
  const [kh, kw] = asPair(c.kernel);
  if (c.rank === 4 || Math.min(...asPair(c.outputSize)) < 1 || c.extraBlock !== 0) return false;
  if (c.extraRow !== 0 && kh * kw !== 1) return false; // with a 1x1 kernel an extra row is just another channel
  return windowCount(asPair(c.outputSize), c.kernel, c) !== null;
}

function foldBuild(c: FoldCase): Build {
  const opts = { stride: c.stride, dilation: c.dilation, padding: c.padding };
  return () => {
    const x = leaf(foldShape(c), c.seed);
    return { leaves: [x], run: () => wc.fold(x, c.outputSize, c.kernel, opts) };
  };
}

// ---- the properties -----------------------------------------------------------------------------

describe('random configurations, valid and invalid: valid ones agree wasm vs js, invalid ones throw the contract', () => {
  it(
    'conv2d',
    () => {
      fc.assert(
        fc.property(conv2dCase, (c) => {
          const valid = conv2dIsValid(c);
          tally('conv2d', valid);
          if (valid) expectAgree(conv2dBuild(c));
          else expectRefused('conv2d', RangeError, () => conv2dBuild(c)().run());
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'convTranspose2d',
    () => {
      fc.assert(
        fc.property(convTCase, (c) => {
          const valid = convTIsValid(c);
          tally('convTranspose2d', valid);
          if (valid) expectAgree(convTBuild(c));
          else expectRefused('convTranspose2d', RangeError, () => convTBuild(c)().run());
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'pad',
    () => {
      fc.assert(
        fc.property(padCase, (c) => {
          const error = padError(c);
          tally('pad', error === null);
          if (error === null) expectAgree(padBuild(c));
          else expectRefused('pad', error, () => padBuild(c)().run());
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'unfold',
    () => {
      fc.assert(
        fc.property(unfoldCase, (c) => {
          const valid = unfoldIsValid(c);
          tally('unfold', valid);
          if (valid) expectAgree(unfoldBuild(c));
          else expectRefused('unfold', RangeError, () => unfoldBuild(c)().run());
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'fold',
    () => {
      fc.assert(
        fc.property(foldCase, (c) => {
          const valid = foldIsValid(c);
          tally('fold', valid);
          if (valid) expectAgree(foldBuild(c));
          else expectRefused('fold', RangeError, () => foldBuild(c)().run());
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );
});

// ---- arguments of the wrong kind ----------------------------------------------------------------

/**
 * Values of the wrong kind for a tensor, an options object, an integer-or-pair, a string choice.
 * (An option given as null or undefined means "not given", as an omitted keyword does in PyTorch.)
 */
const NOT_TENSOR = [[[1]], {}, null, 3, 'x', new Float32Array(4)];
const NOT_OPTIONS = ['same', 3, true, [1]];
const NOT_INT = [1.5, NaN, Infinity, true, {}, '2', [1, 0.5], [1, '1']];
const NOT_STRING = [3, true, {}, ['zeros']];

interface WrongKindOp {
  /** The valid arguments as named slots. */
  base: () => Record<string, unknown>;
  call: (a: Record<string, unknown>) => unknown;
  /** For each slot (or option, `opts.name`), values of the wrong kind. */
  slots: Record<string, unknown[]>;
}

const WRONG_KIND: Record<string, WrongKindOp> = {
  conv2d: {
    base: () => ({
      input: wc.ones([1, 2, 5, 5]),
      weight: wc.ones([4, 2, 3, 3]),
      bias: wc.ones([4]),
      opts: { padding: 1, paddingMode: 'reflect' },
    }),
    call: (a) => wc.conv2d(a.input as Tensor, a.weight as Tensor, a.bias as Tensor, a.opts as wc.Conv2dOptions),
    slots: {
      input: NOT_TENSOR,
      weight: NOT_TENSOR,
      bias: [[1, 2, 3, 4], {}, 'x', 3, true],
      opts: NOT_OPTIONS,
      'opts.stride': NOT_INT,
      'opts.padding': NOT_INT.filter((v) => typeof v !== 'string'),
      'opts.dilation': NOT_INT,
      'opts.groups': NOT_INT,
      'opts.paddingMode': NOT_STRING,
    },
  },
  convTranspose2d: {
    base: () => ({
      input: wc.ones([1, 2, 4, 4]),
      weight: wc.ones([2, 3, 3, 3]),
      bias: wc.ones([3]),
      opts: { stride: 2, outputPadding: 1 },
    }),
    call: (a) => wc.convTranspose2d(a.input as Tensor, a.weight as Tensor, a.bias as Tensor, a.opts as wc.ConvTranspose2dOptions),
    slots: {
      input: NOT_TENSOR,
      weight: NOT_TENSOR,
      bias: [[1, 2, 3], {}, 'x', 3, true],
      opts: NOT_OPTIONS,
      'opts.stride': NOT_INT,
      'opts.padding': [...NOT_INT, 'same', 'valid'],
      'opts.outputPadding': NOT_INT,
      'opts.dilation': NOT_INT,
      'opts.groups': NOT_INT,
    },
  },
  pad: {
    base: () => ({ input: wc.ones([2, 3, 3]), padding: [1, 1, 1, 1], mode: 'constant', value: 0 }),
    call: (a) => wc.pad(a.input as Tensor, a.padding as number[], a.mode as wc.PadMode, a.value as number),
    slots: {
      input: NOT_TENSOR,
      padding: [3, 'abc', {}, null, true, [1.5, 1], ['1', 1, 0, 0], [NaN, 0]],
      mode: [...NOT_STRING, null],
      value: ['1', true, {}, null, [0]],
    },
  },
  unfold: {
    base: () => ({ input: wc.ones([1, 2, 5, 5]), kernelSize: 2, opts: { padding: 1 } }),
    call: (a) => wc.unfold(a.input as Tensor, a.kernelSize as number, a.opts as wc.WindowOptions),
    slots: {
      input: NOT_TENSOR,
      kernelSize: [...NOT_INT, null],
      opts: [...NOT_OPTIONS, null],
      'opts.stride': NOT_INT,
      'opts.padding': NOT_INT,
      'opts.dilation': NOT_INT,
    },
  },
  fold: {
    base: () => ({ input: wc.ones([1, 8, 36]), outputSize: 5, kernelSize: 2, opts: { padding: 1 } }),
    call: (a) => wc.fold(a.input as Tensor, a.outputSize as number, a.kernelSize as number, a.opts as wc.WindowOptions),
    slots: {
      input: NOT_TENSOR,
      outputSize: [...NOT_INT, null],
      kernelSize: [...NOT_INT, null],
      opts: [...NOT_OPTIONS, null],
      'opts.stride': NOT_INT,
      'opts.padding': NOT_INT,
      'opts.dilation': NOT_INT,
    },
  },
  linear: {
    base: () => ({ input: wc.ones([3, 4]), weight: wc.ones([2, 4]), bias: wc.ones([2]) }),
    call: (a) => wc.linear(a.input as Tensor, a.weight as Tensor, a.bias as Tensor),
    slots: { input: NOT_TENSOR, weight: NOT_TENSOR, bias: [[1, 2], {}, 'x', 3, true] },
  },
  sum: {
    base: () => ({ input: wc.ones([2, 3, 4]), dim: [0, -1], keepdim: true }),
    call: (a) => wc.sum(a.input as Tensor, a.dim as number[], a.keepdim as boolean),
    slots: { input: NOT_TENSOR, dim: NOT_INT, keepdim: [1, 'true', {}, null, [true]] },
  },
  argmax: {
    base: () => ({ input: wc.ones([2, 3, 4]), dim: 1, keepdim: false }),
    call: (a) => wc.argmax(a.input as Tensor, a.dim as number, a.keepdim as boolean),
    slots: { input: NOT_TENSOR, dim: [...NOT_INT, [1]], keepdim: [1, 'true', {}, null, [true]] },
  },
  maxPool2d: {
    base: () => ({ input: wc.ones([1, 2, 6, 6]), kernelSize: 3, opts: { stride: 2, padding: 1, dilation: 1, ceilMode: true } }),
    call: (a) => wc.maxPool2d(a.input as Tensor, a.kernelSize as number, a.opts as wc.MaxPool2dOptions),
    slots: {
      input: NOT_TENSOR,
      kernelSize: [...NOT_INT, null],
      opts: NOT_OPTIONS,
      'opts.stride': NOT_INT,
      'opts.padding': NOT_INT,
      'opts.dilation': NOT_INT,
      'opts.ceilMode': [1, 'true', {}, [true]],
    },
  },
  avgPool2d: {
    base: () => ({
      input: wc.ones([1, 2, 6, 6]),
      kernelSize: 3,
      opts: { stride: 2, padding: 1, countIncludePad: false, divisorOverride: 4 },
    }),
    call: (a) => wc.avgPool2d(a.input as Tensor, a.kernelSize as number, a.opts as wc.AvgPool2dOptions),
    slots: {
      input: NOT_TENSOR,
      kernelSize: [...NOT_INT, null],
      opts: NOT_OPTIONS,
      'opts.stride': NOT_INT,
      'opts.padding': NOT_INT,
      'opts.ceilMode': [1, 'true', {}, [true]],
      'opts.countIncludePad': [0, 'false', {}, [false]],
      'opts.divisorOverride': NOT_INT,
    },
  },
  adaptiveAvgPool2d: {
    base: () => ({ input: wc.ones([1, 2, 6, 6]), outputSize: [4, null] }),
    call: (a) => wc.adaptiveAvgPool2d(a.input as Tensor, a.outputSize as wc.AdaptiveSize),
    slots: { input: NOT_TENSOR, outputSize: [...NOT_INT, null, [null, 'x']] },
  },
  transpose: {
    base: () => ({ input: wc.ones([2, 3, 4]), dim0: 0, dim1: -1 }),
    call: (a) => wc.transpose(a.input as Tensor, a.dim0 as number, a.dim1 as number),
    slots: { input: NOT_TENSOR, dim0: [...NOT_INT, null, undefined], dim1: [...NOT_INT, null, undefined] },
  },
  ...Object.fromEntries(
    (['relu', 'sigmoid', 'tanh', 'exp', 'log'] as const).map((op) => [
      op,
      {
        base: () => ({ input: wc.ones([2, 3]) }),
        call: (a: Record<string, unknown>) => wc[op](a.input as Tensor),
        slots: { input: NOT_TENSOR },
      },
    ]),
  ),
  softmax: {
    base: () => ({ input: wc.ones([2, 3, 4]), dim: -2 }),
    call: (a) => wc.softmax(a.input as Tensor, a.dim as number),
    slots: { input: NOT_TENSOR, dim: [...NOT_INT, null, undefined] },
  },
  crossEntropy: {
    base: () => ({ input: wc.ones([2, 3]), target: [0, 2], opts: { weight: wc.ones([3]), labelSmoothing: 0.1 } }),
    call: (a) => wc.crossEntropy(a.input as Tensor, a.target as number[], a.opts as wc.CrossEntropyOptions),
    slots: {
      input: NOT_TENSOR,
      target: [{}, 'x', 3, null, true, new Float32Array(2), [0, 'x'], [0, 0.5], [null, 1], [0, NaN]],
      opts: NOT_OPTIONS,
      'opts.reduction': NOT_STRING,
      'opts.labelSmoothing': ['0.1', true, {}, [0.1]],
      'opts.ignoreIndex': NOT_INT,
      'opts.weight': [[[1, 1, 1]], {}, 3, 'x', new Float32Array(3)],
    },
  },
  dropout: {
    base: () => ({ input: wc.ones([2, 3]), p: 0.5, training: true, opts: { seed: 1 } }),
    call: (a) => wc.dropout(a.input as Tensor, a.p as number, a.training as boolean, a.opts as wc.DropoutOptions),
    slots: {
      input: NOT_TENSOR,
      p: ['0.5', true, {}, null, [0.5]],
      training: [1, 'true', {}, null, [true]],
      opts: NOT_OPTIONS,
      'opts.seed': ['x', 1.5, {}, true, NaN],
    },
  },
};

const wrongKindCase = fc.constantFrom(...Object.keys(WRONG_KIND)).chain((op) => {
  const slots = Object.entries(WRONG_KIND[op].slots);
  return fc
    .constantFrom(...slots)
    .chain(([slot, values]) => fc.record({ op: fc.constant(op), slot: fc.constant(slot), value: fc.constantFrom(...values) }));
});

describe('an argument of the wrong kind', () => {
  it(
    'is a TypeError naming the op, on both backends, for every op, slot and kind of value',
    () => {
      // the base calls are valid: each answer on wasm equals js
      for (const spec of Object.values(WRONG_KIND)) {
        const [js, wasm] = BACKENDS.map((b) => onBackend(b, () => (spec.call(spec.base()) as Tensor).data));
        expectClose(wasm, js, 1e-5, 1e-5);
      }
      fc.assert(
        fc.property(wrongKindCase, ({ op, slot, value }) => {
          tally('wrong kind', false);
          const spec = WRONG_KIND[op];
          expectRefused(op, TypeError, () => {
            const args = spec.base();
            if (slot.startsWith('opts.')) args.opts = { ...(args.opts as object), [slot.slice(5)]: value };
            else args[slot] = value;
            return spec.call(args);
          });
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );
});

describe('the fuzzing itself', () => {
  it('saw both valid and invalid configurations of every op', () => {
    for (const op of ['conv2d', 'convTranspose2d', 'pad', 'unfold', 'fold']) {
      const c = counts[op];
      expect(c, op).toBeDefined();
      expect(Math.min(c.valid, c.invalid), `${op}: ${c.valid} valid, ${c.invalid} invalid`).toBeGreaterThanOrEqual(Math.floor(RUNS / 10));
    }
  });
});
