// The elementwise family on WebAssembly (assembly/elementwise.ts): every map runs over element
// ranges (runtime.ts elementJob; on the caller's thread even with threads, being memory-bound:
// runtime.ts onThreads). The two full sums that return one number
// (sum, the MSE loss's squaredDiffSum) stay on one thread: a split sum would need fixed parts
// added in order for thread-independent bits, and neither is in a CNN training step's hot path
// (the loss sums a batch's few losses).
import type { BinaryOp, ElementwiseKernels } from '../types.js';
import { begin, elementJob } from './runtime.js';

type Range = [first: number, end: number];
interface Exports {
  add_f32(out: number, a: number, b: number, ...range: Range): void;
  sub_f32(out: number, a: number, b: number, ...range: Range): void;
  mul_f32(out: number, a: number, b: number, ...range: Range): void;
  div_f32(out: number, a: number, b: number, ...range: Range): void;
  affine_f32(out: number, a: number, alpha: number, beta: number, ...range: Range): void;
  div_scalar_f32(out: number, a: number, s: number, ...range: Range): void;
  rdiv_f32(out: number, a: number, s: number, ...range: Range): void;
  pow_f32(out: number, a: number, p: number, ...range: Range): void;
  axpy_f32(y: number, x: number, alpha: number, ...range: Range): void;
  axpby_mul_f32(y: number, a: number, b: number, alpha: number, ...range: Range): void;
  sum_f32(a: number, n: number): number;
  squared_diff_sum_f32(a: number, b: number, n: number): number;
  axpy_diff_f32(y: number, a: number, b: number, alpha: number, ...range: Range): void;
}

type Map = (...args: number[]) => void;
const binaryKernel = { add: 'add_f32', sub: 'sub_f32', mul: 'mul_f32', div: 'div_f32' } as const;

/**
 * The work of a map per element, for the pool's dispatch threshold: the floats it moves, and
 * pow's scalar Mathf.pow at about ten times a moved float's time.
 */
const POW_WORK = 20;

/** out = f(a, ...scalars) through the arena: `kernel(out, a, ...scalars)` over out's elements. */
function unary(name: string, a: Float32Array, out: Float32Array, kernel: (e: Exports) => Map, scalars: number[], perElement = 2): void {
  const s = begin<Exports>(name);
  const pa = s.arena.put(a, name);
  const po = s.arena.alloc(out.length, name);
  s.run(elementJob(kernel(s.exports), [po, pa, ...scalars], out.length, perElement * out.length));
  s.arena.read(po, out);
}

/** y (+)= f(inputs, alpha): `kernel(y, ...inputs, alpha)` over y's elements, y copied in (or zeroed) and out. */
function update(name: string, y: Float32Array, inputs: Float32Array[], alpha: number, kernel: (e: Exports) => Map, zeroed = false): void {
  const s = begin<Exports>(name);
  const py = zeroed ? s.arena.zeros(y.length, name) : s.arena.put(y, name);
  const ps = inputs.map((x) => s.arena.put(x, name));
  s.run(elementJob(kernel(s.exports), [py, ...ps, alpha], y.length, (2 + inputs.length) * y.length));
  s.arena.read(py, y);
}

export const elementwise: ElementwiseKernels = {
  binary(op: BinaryOp, a, b, out) {
    const s = begin<Exports>(op);
    const pa = s.arena.put(a, op);
    const pb = s.arena.put(b, op);
    const po = s.arena.alloc(out.length, op);
    s.run(elementJob(s.exports[binaryKernel[op]], [po, pa, pb], out.length, 3 * out.length));
    s.arena.read(po, out);
  },
  affine(a, alpha, beta, out) {
    unary('affine', a, out, (e) => e.affine_f32, [alpha, beta]);
  },
  divScalar(a, s, out) {
    unary('div', a, out, (e) => e.div_scalar_f32, [s]);
  },
  rdiv(a, s, out) {
    unary('div', a, out, (e) => e.rdiv_f32, [s]);
  },
  pow(a, p, out) {
    unary('pow', a, out, (e) => e.pow_f32, [p], POW_WORK);
  },
  axpy(y, x, alpha) {
    update('axpy', y, [x], alpha, (e) => e.axpy_f32);
  },
  axpbyMul(y, a, b, alpha) {
    update('axpbyMul', y, [a, b], alpha, (e) => e.axpby_mul_f32);
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
    update('mseLoss', y, [a, b], alpha, (e) => e.axpy_diff_f32, zeroed);
  },
};
