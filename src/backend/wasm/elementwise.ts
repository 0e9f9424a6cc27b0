import type { BinaryOp, ElementwiseKernels } from '../types.js';
import { begin } from './runtime.js';

interface Exports {
  add_f32(out: number, a: number, b: number, n: number): void;
  sub_f32(out: number, a: number, b: number, n: number): void;
  mul_f32(out: number, a: number, b: number, n: number): void;
  div_f32(out: number, a: number, b: number, n: number): void;
  affine_f32(out: number, a: number, alpha: number, beta: number, n: number): void;
  div_scalar_f32(out: number, a: number, s: number, n: number): void;
  rdiv_f32(out: number, a: number, s: number, n: number): void;
  pow_f32(out: number, a: number, p: number, n: number): void;
  axpy_f32(y: number, x: number, alpha: number, n: number): void;
  axpby_mul_f32(y: number, a: number, b: number, alpha: number, n: number): void;
  sum_f32(a: number, n: number): number;
  squared_diff_sum_f32(a: number, b: number, n: number): number;
  axpy_diff_f32(y: number, a: number, b: number, alpha: number, n: number): void;
}

const binaryKernel = { add: 'add_f32', sub: 'sub_f32', mul: 'mul_f32', div: 'div_f32' } as const;

/** Runs a one-input map `out = f(a)` through the arena. */
function unary(name: string, a: Float32Array, out: Float32Array, run: (e: Exports, o: number, p: number) => void): void {
  const { arena, exports } = begin<Exports>(name);
  const pa = arena.put(a, name);
  const po = arena.alloc(out.length, name);
  run(exports, po, pa);
  arena.read(po, out);
}

export const elementwise: ElementwiseKernels = {
  binary(op: BinaryOp, a, b, out) {
    const { arena, exports } = begin<Exports>(op);
    const pa = arena.put(a, op);
    const pb = arena.put(b, op);
    const po = arena.alloc(out.length, op);
    exports[binaryKernel[op]](po, pa, pb, out.length);
    arena.read(po, out);
  },
  affine(a, alpha, beta, out) {
    unary('affine', a, out, (e, o, p) => e.affine_f32(o, p, alpha, beta, out.length));
  },
  divScalar(a, s, out) {
    unary('div', a, out, (e, o, p) => e.div_scalar_f32(o, p, s, out.length));
  },
  rdiv(a, s, out) {
    unary('div', a, out, (e, o, p) => e.rdiv_f32(o, p, s, out.length));
  },
  pow(a, p, out) {
    unary('pow', a, out, (e, o, pa) => e.pow_f32(o, pa, p, out.length));
  },
  axpy(y, x, alpha) {
    const { arena, exports } = begin<Exports>('axpy');
    const py = arena.put(y, 'axpy');
    const px = arena.put(x, 'axpy');
    exports.axpy_f32(py, px, alpha, y.length);
    arena.read(py, y);
  },
  axpbyMul(y, a, b, alpha) {
    const { arena, exports } = begin<Exports>('axpbyMul');
    const py = arena.put(y, 'axpbyMul');
    const pa = arena.put(a, 'axpbyMul');
    const pb = arena.put(b, 'axpbyMul');
    exports.axpby_mul_f32(py, pa, pb, alpha, y.length);
    arena.read(py, y);
  },
  sum(a) {
    const { arena, exports } = begin<Exports>('sum');
    return exports.sum_f32(arena.put(a, 'sum'), a.length);
  },
  squaredDiffSum(a, b) {
    const { arena, exports } = begin<Exports>('mseLoss');
    const pa = arena.put(a, 'mseLoss');
    return exports.squared_diff_sum_f32(pa, arena.put(b, 'mseLoss'), a.length);
  },
  axpyDiff(y, a, b, alpha, zeroed) {
    const { arena, exports } = begin<Exports>('mseLoss');
    const py = zeroed ? arena.zeros(y.length, 'mseLoss') : arena.put(y, 'mseLoss');
    const pa = arena.put(a, 'mseLoss');
    exports.axpy_diff_f32(py, pa, arena.put(b, 'mseLoss'), alpha, y.length);
    arena.read(py, y);
  },
};
