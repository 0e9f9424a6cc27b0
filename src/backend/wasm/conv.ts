// The convolution kernels on WebAssembly: each call stages its buffers in the arena once, then
// runs the shared im2col + GEMM passes of ../im2col-gemm.ts with assembly/im2col.ts and
// assembly/gemm.ts on pointers, and copies the result out.
import {
  col2imBatch,
  colsSize,
  convForward,
  convGradInput,
  convGradWeight,
  type ConvSteps,
  im2colBatch,
} from '../im2col-gemm.js';
import type { ConvKernels, WindowGeometry } from '../types.js';
import { gemmAt, type GemmExports } from './gemm.js';
import { begin } from './runtime.js';

type WindowFn = (
  out: number, input: number, c: number, h: number, w: number, kh: number, kw: number,
  strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
  outH: number, outW: number,
) => void;

interface Exports extends GemmExports {
  im2col_f32: WindowFn;
  col2im_f32: WindowFn;
  bias_add_f32(out: number, bias: number, batch: number, channels: number, plane: number): void;
  bias_grad_f32(dbias: number, dy: number, batch: number, channels: number, plane: number): void;
}

/** The geometry as the kernels' positional i32 arguments, in their order. */
function windowArgs(g: WindowGeometry) {
  const { c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = g;
  return [c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW] as const;
}

function stepsOf(e: Exports): ConvSteps<number> {
  return {
    at: (ptr, floats) => ptr + floats * 4,
    im2col: (x, cols, g) => e.im2col_f32(cols, x, ...windowArgs(g)),
    col2im: (cols, x, g) => e.col2im_f32(x, cols, ...windowArgs(g)),
    gemm: (a, b, c, d) => gemmAt(e, a, b, c, d),
  };
}

/**
 * One arena session: copies `inputs` in, allocates `out` (copied in too when `keep`, as for the
 * accumulating kernels) and `scratch` floats, runs `body` on the pointers, copies `out` back.
 */
function staged(
  op: string,
  inputs: Float32Array[],
  out: Float32Array,
  keep: boolean,
  scratch: number,
  body: (e: Exports, ptrs: number[], out: number, scratch: number) => void,
): void {
  const { arena, exports } = begin<Exports>(op);
  const ptrs = inputs.map((a) => arena.put(a, op));
  const po = keep ? arena.put(out, op) : arena.alloc(out.length, op);
  const ps = arena.alloc(scratch, op);
  body(exports, ptrs, po, ps);
  arena.read(po, out);
}

export const conv: ConvKernels = {
  im2col(x, cols, batch, g) {
    staged('unfold', [x], cols, false, 0, (e, [px], pc) => im2colBatch(stepsOf(e), px, pc, batch, g));
  },
  col2im(cols, x, batch, g) {
    staged('fold', [cols], x, true, 0, (e, [pc], px) => col2imBatch(stepsOf(e), pc, px, batch, g));
  },
  conv2d(x, w, out, g, accumulate) {
    staged('conv2d', [x, w], out, accumulate, colsSize(g.window), (e, [px, pw], py, pcols) =>
      convForward(stepsOf(e), px, pw, pcols, py, g, accumulate),
    );
  },
  conv2dGradInput(dy, w, dx, g) {
    staged('conv2d', [dy, w], dx, true, colsSize(g.window), (e, [pdy, pw], pdx, pcols) =>
      convGradInput(stepsOf(e), pdy, pw, pcols, pdx, g),
    );
  },
  conv2dGradWeight(x, dy, dw, g) {
    staged('conv2d', [x, dy], dw, true, colsSize(g.window), (e, [px, pdy], pdw, pcols) =>
      convGradWeight(stepsOf(e), px, pdy, pcols, pdw, g),
    );
  },
  biasAdd(out, bias, batch, plane) {
    staged('bias', [bias], out, true, 0, (e, [pb], po) => e.bias_add_f32(po, pb, batch, bias.length, plane));
  },
  biasGrad(dy, dbias, batch, plane) {
    staged('bias', [dy], dbias, true, 0, (e, [pdy], pdb) => e.bias_grad_f32(pdb, pdy, batch, dbias.length, plane));
  },
};
