// The wasm convolution kernels against the js reference kernels (im2col + one dot product per
// entry), on geometries chosen to reach every path of assembly/im2col.ts and assembly/conv.ts:
// GEMM panels that lie on one output row, wrap onto the next, or neither (stride 2 runs, stride 3
// lanes, rows narrower than a panel, the last partial panel); channel and tap counts that are not
// multiples of the 4x8 tile; forwards that read their windows in place (assembly/conv-direct.ts)
// in whole and partial 5 × 8 blocks, on one row or not, as a dX phase adding into dx; padding on one side only, negative phase padding (more padding than
// the kernel reaches), dilation with stride, groups; wasm runs on a heap filled with NaN (new
// results) and outputs given with values (accumulation), so that an entry the kernel forgets
// cannot pass.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { jsKernels } from '../../src/backend/js/index.js';
import type { ConvGeometry } from '../../src/backend/types.js';
import { gradInputByCol2im, readsInPlace } from '../../src/backend/wasm/conv.js';
import { wasmKernels } from '../../src/backend/wasm/index.js';
import { inputGradPhases } from '../../src/backend/wasm/conv-phases.js';
import { expectClose, FC_SEED, fromPoisonedHeap, randomData } from '../helpers.js';

beforeAll(() => wc.init());

interface Shape {
  batch?: number;
  groups?: number;
  c: number;
  o: number;
  h: number;
  w: number;
  k: [number, number];
  stride?: [number, number];
  dilation?: [number, number];
  /** top, left; bottom and right follow from `out` when given, else the same. */
  pad?: [number, number];
  out?: [number, number];
}

function geometry(s: Shape): ConvGeometry {
  const [kh, kw] = s.k;
  const [sh, sw] = s.stride ?? [1, 1];
  const [dh, dw] = s.dilation ?? [1, 1];
  const [pt, pl] = s.pad ?? [0, 0];
  const outH = s.out?.[0] ?? Math.floor((s.h + 2 * pt - dh * (kh - 1) - 1) / sh) + 1;
  const outW = s.out?.[1] ?? Math.floor((s.w + 2 * pl - dw * (kw - 1) - 1) / sw) + 1;
  const groups = s.groups ?? 1;
  return {
    batch: s.batch ?? 1,
    groups,
    outChannels: groups * s.o,
    window: { c: s.c, h: s.h, w: s.w, kh, kw, strideH: sh, strideW: sw, padTop: pt, padLeft: pl, dilationH: dh, dilationW: dw, outH, outW },
  };
}

const sizes = (g: ConvGeometry) => {
  const win = g.window;
  return {
    x: g.batch * g.groups * win.c * win.h * win.w,
    w: g.outChannels * win.c * win.kh * win.kw,
    y: g.batch * g.outChannels * win.outH * win.outW,
  };
};

/**
 * Forward (overwriting a NaN-filled output, then accumulating with a bias), dX and dW, and the three gradients
 * in one conv2dBackward call, into given values and into zeros it is told of: wasm against js.
 */
function compare(g: ConvGeometry, seed = 1): void {
  const n = sizes(g);
  const x = randomData(n.x, seed);
  const w = randomData(n.w, seed + 1);
  const dy = randomData(n.y, seed + 2);
  const start = { x: randomData(n.x, seed + 3), w: randomData(n.w, seed + 4), y: randomData(n.y, seed + 5) };
  const bias = randomData(g.outChannels, seed + 6);
  const run = (k: typeof jsKernels) => {
    const y = k.conv2d(x, w, null, null, g);
    const yAcc = start.y.slice();
    k.conv2d(x, w, bias, yAcc, g);
    const dx = start.x.slice();
    k.conv2dGradInput(dy, w, dx, g);
    const dw = start.w.slice();
    k.conv2dGradWeight(x, dy, dw, g);
    const added = { dx: start.x.slice(), dw: start.w.slice(), db: start.y.slice(0, g.outChannels) };
    k.conv2dBackward(x, w, dy, added, g, false);
    const zeroed = { dx: new Float32Array(n.x), dw: new Float32Array(n.w), db: new Float32Array(g.outChannels) };
    k.conv2dBackward(x, w, dy, zeroed, g, true);
    return {
      y,
      yAcc,
      dx,
      dw,
      fusedDx: added.dx,
      fusedDw: added.dw,
      fusedDb: added.db,
      zeroedDx: zeroed.dx,
      zeroedDw: zeroed.dw,
      zeroedDb: zeroed.db,
    };
  };
  const want = run(jsKernels);
  const got = fromPoisonedHeap(() => run(wasmKernels));
  const tol = 2e-5 * Math.sqrt(g.window.c * g.window.kh * g.window.kw * g.outChannels + g.batch * g.window.outH * g.window.outW);
  for (const key of ['y', 'yAcc', 'dx', 'dw', 'fusedDx', 'fusedDw', 'fusedDb', 'zeroedDx', 'zeroedDw', 'zeroedDb'] as const) {
    expect(got[key].some(Number.isNaN), `${key} has NaN`).toBe(false);
    expectClose(got[key], want[key], tol, 1e-4);
  }
}

describe('wasm conv kernels equal the js reference', () => {
  it.each<[string, Shape]>([
    ['panels on one row (width 16)', { c: 3, o: 5, h: 6, w: 16, k: [3, 3], pad: [1, 1] }],
    ['panels wrapping rows (width 10), valid', { batch: 2, c: 6, o: 16, h: 14, w: 14, k: [5, 5] }],
    ['rows narrower than a panel (width 5)', { c: 2, o: 3, h: 7, w: 5, k: [3, 2], pad: [1, 0] }],
    ['stride 2: runs, wrapped runs, and the last panel', { c: 4, o: 9, h: 23, w: 21, k: [3, 3], stride: [2, 2], pad: [1, 1] }],
    [
      'stride 2 over width 24: phase pixels added four at a time, then one at a time at the row end',
      { c: 3, o: 5, h: 10, w: 24, k: [3, 3], stride: [2, 2], pad: [1, 1] },
    ],
    ['stride 3 and stride (1, 2)', { c: 2, o: 4, h: 20, w: 26, k: [3, 4], stride: [3, 2], pad: [1, 2] }],
    ['stride (2, 1) with width 9', { c: 3, o: 4, h: 12, w: 9, k: [2, 3], stride: [2, 1], pad: [0, 1] }],
    ['dilation 2 with padding 2', { c: 5, o: 6, h: 12, w: 12, k: [3, 3], dilation: [2, 2], pad: [2, 2] }],
    [
      'dilation 2 with stride 2 (phase taps every tap)',
      { c: 2, o: 3, h: 15, w: 17, k: [3, 3], dilation: [2, 2], stride: [2, 2], pad: [1, 2] },
    ],
    ['dilation 3 with stride 2', { c: 2, o: 3, h: 16, w: 16, k: [3, 2], dilation: [3, 3], stride: [2, 2], pad: [2, 1] }],
    ["'same' padding with an even kernel (one side only)", { c: 3, o: 4, h: 9, w: 11, k: [4, 2], pad: [1, 0], out: [9, 11] }],
    ['padding wider than the kernel reaches (negative phase padding)', { c: 2, o: 3, h: 5, w: 9, k: [1, 3], pad: [2, 3] }],
    ['stride leaves trailing pixels unread', { c: 2, o: 5, h: 11, w: 13, k: [3, 3], stride: [3, 4] }],
    ['1x1 stride 1 unpadded (the input is the GEMM operand)', { batch: 2, c: 7, o: 9, h: 6, w: 10, k: [1, 1] }],
    ['1x1 stride 2', { c: 5, o: 6, h: 9, w: 11, k: [1, 1], stride: [2, 2] }],
    ['groups 3 with 2 → 3 channels each, batch 2', { batch: 2, groups: 3, c: 2, o: 3, h: 9, w: 12, k: [3, 3], pad: [1, 1] }],
    ['depthwise shape through the GEMM path', { groups: 4, c: 1, o: 2, h: 10, w: 10, k: [3, 3], pad: [1, 1] }],
    ['many channels: tap and channel counts past several tiles', { c: 17, o: 33, h: 8, w: 9, k: [3, 3], pad: [1, 1] }],
    ['single output pixel', { c: 3, o: 2, h: 3, w: 3, k: [3, 3] }],
    ['dW over output rows of 14 positions or more: a loop per row', { c: 3, o: 9, h: 5, w: 16, k: [3, 3], pad: [1, 1] }],
    [
      'dW over output rows of 13 positions, stride 2: one loop over all, stepping to the next row',
      { c: 3, o: 9, h: 9, w: 25, k: [3, 3], stride: [2, 2], pad: [1, 1] },
    ],
    [
      'dW over the rows of 16 of a 1×1 conv, which follow one another: one run over all positions',
      { batch: 2, c: 5, o: 9, h: 3, w: 16, k: [1, 1] },
    ],
  ])('%s', (_, s) => compare(geometry(s)));

  it.each<[string, Shape]>([
    ['partial 5-position and 8-channel blocks, padded', { batch: 2, c: 4, o: 11, h: 9, w: 7, k: [4, 4], pad: [1, 1] }],
    [
      'windows not adjacent: stride 2, dilation (1, 2), groups 2',
      { groups: 2, c: 8, o: 5, h: 13, w: 15, k: [3, 3], stride: [2, 2], dilation: [1, 2], pad: [2, 2] },
    ],
    ['blocks wrapping output rows (width 6), 16 channels', { batch: 2, c: 8, o: 16, h: 8, w: 8, k: [3, 3] }],
  ])('windows read in place: %s', (_, s) => {
    expect(readsInPlace(geometry(s))).toBe(true);
    compare(geometry(s));
  });

  it('windows read in place by a dX phase, which adds into dx (stride 1 and 2)', () => {
    for (const s of [
      { c: 6, o: 8, h: 9, w: 11, k: [3, 3], pad: [1, 1] },
      { c: 8, o: 32, h: 16, w: 16, k: [5, 5], stride: [2, 2], pad: [2, 2] },
    ] as Shape[]) {
      const g = geometry(s);
      const phases = inputGradPhases(g);
      expect(gradInputByCol2im(g, phases)).toBe(false);
      expect(phases.some((p) => readsInPlace(p.conv))).toBe(true);
      compare(g);
    }
  });

  it("a 1×1 kernel's dX phase: Wᵀ packed straight from w (grouped, strided, padded), or cut out where the phase reads in place", () => {
    for (const [s, inPlace] of [
      [{ groups: 2, c: 6, o: 10, h: 9, w: 11, k: [1, 1], stride: [2, 2], pad: [1, 1] }, false],
      [{ batch: 2, c: 20, o: 12, h: 7, w: 9, k: [1, 1] }, false],
      [{ c: 8, o: 64, h: 6, w: 10, k: [1, 1] }, true],
    ] as [Shape, boolean][]) {
      const g = geometry(s);
      const phases = inputGradPhases(g);
      expect(gradInputByCol2im(g, phases)).toBe(false);
      expect(phases.map((p) => readsInPlace(p.conv))).toEqual([inPlace]);
      compare(g);
    }
  });

  it('strided col2im over several GEMM passes of positions (output rows split between them, a partial last panel)', () => {
    const s: Shape = { c: 6, o: 16, h: 59, w: 61, k: [5, 5], stride: [2, 2] }; // 150 taps × 28·29 positions: passes of 432 and 380
    const g = geometry(s);
    expect(gradInputByCol2im(g, inputGradPhases(g))).toBe(true);
    compare(g);
  });

  it('a zeroed dx at stride 1 is written, not added into: every pixel, from a wasm heap full of NaN', () => {
    for (const s of [
      { batch: 2, c: 20, o: 8, h: 9, w: 11, k: [3, 3], pad: [1, 1] }, // the GEMM phase
      { batch: 2, c: 8, o: 12, h: 6, w: 10, k: [1, 1] }, // 1×1: dY is the GEMM operand
      { c: 6, o: 8, h: 9, w: 11, k: [3, 3], pad: [1, 1] }, // windows read in place
      { c: 2, o: 3, h: 5, w: 9, k: [1, 3], pad: [2, 3] }, // more padding than the kernel reaches
    ] as Shape[]) {
      const g = geometry(s);
      expect(g.window.strideH === 1 && !gradInputByCol2im(g, inputGradPhases(g))).toBe(true);
      const n = sizes(g);
      const [x, w, dy] = [randomData(n.x, 1), randomData(n.w, 2), randomData(n.y, 3)];
      const run = (k: typeof jsKernels) => {
        const grads = { dx: new Float32Array(n.x), dw: null, db: null };
        k.conv2dBackward(x, w, dy, grads, g, true);
        return grads.dx;
      };
      expectClose(
        fromPoisonedHeap(() => run(wasmKernels)),
        run(jsKernels),
        1e-5,
        1e-4,
      );
    }
  });

  it('random geometries (property)', () => {
    const shape = fc.record({
      batch: fc.integer({ min: 1, max: 2 }),
      groups: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 5 }),
      o: fc.integer({ min: 1, max: 10 }),
      h: fc.integer({ min: 1, max: 14 }),
      w: fc.integer({ min: 1, max: 20 }),
      k: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
      stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      pad: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    });
    const valid = shape.filter((s) => {
      const g = geometry(s);
      return g.window.outH >= 1 && g.window.outW >= 1;
    });
    fc.assert(
      fc.property(valid, fc.integer({ min: 1, max: 1000 }), (s, seed) => compare(geometry(s), seed)),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  it('unfold and fold (im2col, col2im) equal the js loops, fold adding onto existing values', () => {
    for (const s of [
      { batch: 2, c: 3, o: 1, h: 7, w: 9, k: [3, 2], stride: [2, 1], pad: [1, 2], dilation: [1, 2] },
      { c: 2, o: 1, h: 10, w: 10, k: [3, 3], stride: [3, 3] },
    ] as Shape[]) {
      const g = geometry(s).window;
      const batch = s.batch ?? 1;
      const colsLength = batch * g.c * g.kh * g.kw * g.outH * g.outW;
      const x = randomData(batch * g.c * g.h * g.w, 3);
      const cols = randomData(colsLength, 4);
      const unfolded = fromPoisonedHeap(() => wasmKernels.im2col(x, batch, g));
      expect(Array.from(unfolded)).toEqual(Array.from(jsKernels.im2col(x, batch, g)));
      const [fa, fb] = [x.slice(), x.slice()];
      jsKernels.col2im(cols, fa, batch, g);
      wasmKernels.col2im(cols, fb, batch, g);
      expectClose(fb, fa, 1e-6, 1e-6);
    }
  });
});

/** col2im of seeded columns onto a seeded image (added onto its values): wasm against the js loop. */
function expectFoldLikeJs(s: Shape, seed: number): void {
  const g = geometry(s).window;
  const batch = s.batch ?? 1;
  const cols = randomData(batch * g.c * g.kh * g.kw * g.outH * g.outW, seed);
  const x = randomData(batch * g.c * g.h * g.w, seed + 1);
  const [fa, fb] = [x.slice(), x.slice()];
  jsKernels.col2im(cols, fa, batch, g);
  wasmKernels.col2im(cols, fb, batch, g);
  expectClose(fb, fa, 1e-6, 1e-6);
}

describe('col2im at stride 1 (pixel rows gathered in registers)', () => {
  it('equals the js loop for every strip shape: widths 1–21, padding on either side, dilation, windows past the edge', () => {
    const shapes: Shape[] = [];
    for (let w = 1; w <= 21; w++) shapes.push({ batch: 2, c: 2, o: 1, h: 3, w, k: [2, Math.min(w, 3)], pad: [w % 2, w % 3] });
    shapes.push(
      { c: 3, o: 1, h: 14, w: 14, k: [5, 5] }, // case d's shape: no padding, runs of 10 in rows of 14
      { c: 2, o: 1, h: 9, w: 13, k: [3, 4], dilation: [2, 3], pad: [3, 1] },
      { c: 1, o: 1, h: 5, w: 6, k: [2, 2], pad: [4, 5] }, // padding wider than the kernel: whole runs outside
      { c: 1, o: 1, h: 6, w: 40, k: [3, 3], pad: [0, 1], out: [4, 38] }, // several 16-float strips
    );
    for (const s of shapes) expectFoldLikeJs(s, 5);
  });
});

describe('strided col2im (runs clipped to the image, at column stride 2 added four entries at a time)', () => {
  it('equals the js loop for widths 1–24: blocks that end at, before or past the row end, dilation, padding', () => {
    const shapes: Shape[] = [];
    for (let w = 1; w <= 24; w++) shapes.push({ batch: 2, c: 2, o: 1, h: 5, w, k: [3, Math.min(w, 3)], stride: [2, 2], pad: [1, w % 2] });
    shapes.push(
      { c: 2, o: 1, h: 11, w: 20, k: [2, 3], stride: [1, 2], dilation: [1, 2], pad: [0, 1] },
      { c: 1, o: 1, h: 9, w: 31, k: [3, 5], stride: [3, 2], pad: [1, 2] },
      { c: 1, o: 1, h: 8, w: 17, k: [2, 2], stride: [2, 2] }, // no padding
      { c: 1, o: 1, h: 7, w: 9, k: [2, 3], stride: [2, 2], pad: [3, 4] }, // padding past the kernel: whole runs dropped
      { c: 2, o: 1, h: 10, w: 13, k: [3, 3], stride: [3, 3], dilation: [2, 2], pad: [2, 3] }, // clipped at stride 3
    );
    for (const s of shapes) expectFoldLikeJs(s, 7);
  });
});

describe('input-gradient phases', () => {
  it('pair every dX pixel with every tap that reaches it exactly once', () => {
    for (const s of [
      { c: 1, o: 1, h: 11, w: 7, k: [3, 3], stride: [2, 3], pad: [1, 1] },
      { c: 1, o: 1, h: 16, w: 16, k: [3, 2], dilation: [3, 2], stride: [2, 4], pad: [2, 1] },
      { c: 1, o: 1, h: 5, w: 9, k: [1, 3], pad: [2, 3] },
    ] as Shape[]) {
      const g = geometry(s);
      const win = g.window;
      // every (pixel, tap, output position) triple of the forward, as a set of strings
      const want = new Set<string>();
      for (let oy = 0; oy < win.outH; oy++)
        for (let ox = 0; ox < win.outW; ox++)
          for (let ky = 0; ky < win.kh; ky++)
            for (let kx = 0; kx < win.kw; kx++) {
              const y = oy * win.strideH + ky * win.dilationH - win.padTop;
              const x = ox * win.strideW + kx * win.dilationW - win.padLeft;
              if (y >= 0 && y < win.h && x >= 0 && x < win.w) want.add(`${y},${x},${ky},${kx},${oy},${ox}`);
            }
      const got: string[] = [];
      for (const p of inputGradPhases(g)) {
        const pw = p.conv.window;
        for (let Y = 0; Y < pw.outH; Y++)
          for (let X = 0; X < pw.outW; X++)
            for (let m = 0; m < pw.kh; m++)
              for (let n = 0; n < pw.kw; n++) {
                const oy = Y + m * pw.dilationH - pw.padTop;
                const ox = X + n * pw.dilationW - pw.padLeft;
                if (oy < 0 || oy >= win.outH || ox < 0 || ox >= win.outW) continue;
                const ky = p.ky0 + (pw.kh - 1 - m) * p.kyStep;
                const kx = p.kx0 + (pw.kw - 1 - n) * p.kxStep;
                got.push(`${p.a + win.strideH * Y},${p.b + win.strideW * X},${ky},${kx},${oy},${ox}`);
              }
      }
      expect(got.length).toBe(want.size);
      expect(new Set(got)).toEqual(want);
    }
  });

  it('give way to col2im where they would multiply much padding or leave channel lanes idle, and only there', () => {
    const takes = (s: Shape) => gradInputByCol2im(geometry(s), inputGradPhases(geometry(s)));
    // convs that keep the image size or stride: next to no padding
    expect(takes({ c: 64, o: 64, h: 56, w: 56, k: [3, 3], pad: [1, 1] })).toBe(false);
    expect(takes({ c: 32, o: 64, h: 28, w: 28, k: [5, 5], stride: [2, 2], pad: [2, 2] })).toBe(false);
    expect(takes({ c: 8, o: 8, h: 32, w: 32, k: [3, 3], pad: [1, 1] })).toBe(false);
    // 1×1: the one phase is col2im's GEMM without the pass back
    expect(takes({ c: 64, o: 32, h: 14, w: 14, k: [1, 1] })).toBe(false);
    // stride 3 with a 3×3 kernel: nine one-tap phases, each its own pass, lose to col2im
    expect(takes({ c: 16, o: 16, h: 30, w: 30, k: [3, 3], stride: [3, 3] })).toBe(true);
    // 'valid' 5×5 of 14×14 (case d): the phases pad dY from 10×10 to 18×18, 6 of 8 channel lanes
    expect(takes({ batch: 64, c: 6, o: 16, h: 14, w: 14, k: [5, 5] })).toBe(true);
    // the same at stride 2 on 28×28: the four phases pad dY as much (col2im measured 1.37× faster)
    expect(takes({ batch: 32, c: 6, o: 16, h: 28, w: 28, k: [5, 5], stride: [2, 2] })).toBe(true);
    // 3 → 16 channels, 'same': the direct kernel's 8 channel lanes hold 3
    expect(takes({ c: 3, o: 16, h: 32, w: 32, k: [3, 3], pad: [1, 1] })).toBe(true);
    // 7×7 into 8 channels, pad 1: col2im's GEMM would be only 8 deep, the phases win
    expect(takes({ c: 8, o: 8, h: 24, w: 24, k: [7, 7], pad: [1, 1] })).toBe(false);
  });
});
