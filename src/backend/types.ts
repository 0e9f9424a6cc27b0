// The kernel interface: raw loops on flat Float32Arrays, one implementation per backend (js.ts is
// the plain-TypeScript reference, wasm.ts calls assembly/). Kernels trust their arguments: every
// shape and option is checked by the op in src/ops/ before a kernel is reached. Output buffers
// are given by the caller; "accumulate" means add into them instead of overwriting.

export type BackendName = 'js' | 'wasm';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

export interface ElementwiseKernels {
  /** out = a op b, all of one length. */
  binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out = alpha * a + beta (beta 0 keeps signed zeros). */
  affine(a: Float32Array, alpha: number, beta: number, out: Float32Array): void;
  /** out = s / a */
  rdiv(a: Float32Array, s: number, out: Float32Array): void;
  /** out = a ** p */
  pow(a: Float32Array, p: number, out: Float32Array): void;
  /** y += alpha * x (gradient accumulation). */
  axpy(y: Float32Array, x: Float32Array, alpha: number): void;
  /** y += alpha * a * b (a product-rule gradient term, fused). */
  axpbyMul(y: Float32Array, a: Float32Array, b: Float32Array, alpha: number): void;
  /** The sum of all values (accumulated in float64). */
  sum(a: Float32Array): number;
}

/** Sizes of a corr2d call: input [h, w], kernel [kh, kw], output [h-kh+1, w-kw+1]. */
export interface Corr2dDims {
  h: number;
  w: number;
  kh: number;
  kw: number;
}

export interface Corr2dKernels {
  /** out (+)= corr2d(x, k). */
  corr2d(x: Float32Array, k: Float32Array, out: Float32Array, dims: Corr2dDims, accumulate: boolean): void;
  /** dx += the input gradient of corr2d for output gradient g: dx[i+a, j+b] += g[i, j] k[a, b]. */
  corr2dGradInput(g: Float32Array, k: Float32Array, dx: Float32Array, dims: Corr2dDims): void;
}

export interface Kernels extends ElementwiseKernels, Corr2dKernels {
  readonly name: BackendName;
}
