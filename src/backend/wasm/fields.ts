// Geometries as the i32 descriptors the kernels read from memory (assembly/im2col.ts `Window`,
// assembly/conv.ts `ConvDesc`), and back: a kernel run by a worker gets its geometry this way.
import type { ConvGeometry, WindowGeometry } from '../types.js';

/** The i32 fields of assembly/im2col.ts `Window`, in its order. */
export function windowFields(g: WindowGeometry): number[] {
  const { c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = g;
  return [c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW];
}

/** The i32 fields of assembly/conv.ts `ConvDesc`: the window, then batch, groups, outPerGroup. */
export function convFields(g: ConvGeometry): Int32Array {
  return Int32Array.from([...windowFields(g.window), g.batch, g.groups, g.outChannels / g.groups]);
}

/** The geometry of convFields read back from `memory` at byte `ptr`. */
export function convGeometryAt(memory: WebAssembly.Memory, ptr: number): ConvGeometry {
  const [c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW, batch, groups, outPerGroup] = new Int32Array(
    memory.buffer,
    ptr,
    16,
  );
  const window = { c, h, w, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW };
  return { batch, groups, outChannels: groups * outPerGroup, window };
}
