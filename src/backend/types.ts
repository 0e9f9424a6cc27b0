// The kernel interface: raw loops on flat Float32Arrays, one implementation per backend (js.ts is
// the plain-TypeScript reference, wasm.ts calls assembly/). Kernels trust their arguments: every
// shape and option is checked by the op in src/ops/ before a kernel is reached. Output buffers
// are given by the caller ("accumulate" means add into them instead of overwriting), except
// where a convolution makes a new result (conv2d, depthwiseConv2d, im2col): there the backend
// allocates it, so that the wasm backend can copy its result out into memory never zeroed
// (src/wasm/arena.ts take).

/** The kernels ops run on (see {@link setBackend}): `'wasm'`, WebAssembly SIMD, or `'js'`, the plain TypeScript reference. */
export type BackendName = 'js' | 'wasm';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

export interface ElementwiseKernels {
  /** out = a op b, all of one length. */
  binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out = alpha * a + beta; a pure scale passes beta = -0, which keeps signed zeros. */
  affine(a: Float32Array, alpha: number, beta: number, out: Float32Array): void;
  /** out = a / s */
  divScalar(a: Float32Array, s: number, out: Float32Array): void;
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
  /** The sum of (a − b)², each square in float32, accumulated in float64 (mseLoss without its intermediates). */
  squaredDiffSum(a: Float32Array, b: Float32Array): number;
  /** y += alpha · (a − b) (mseLoss's gradient); `zeroed`: y holds zeros, so a backend may skip reading it. */
  axpyDiff(y: Float32Array, a: Float32Array, b: Float32Array, alpha: number, zeroed: boolean): void;
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

/** One torch.optim.SGD step's settings for one parameter (the equations are in assembly/optim.ts). */
export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The parameter's first step with momentum: the buffer starts as a copy of the update. */
  firstStep: boolean;
}

/**
 * One torch.optim.Adam/AdamW step's scalars for one parameter, in float64 as torch's Python
 * computes them (the update equations are in assembly/optim.ts; the kernels round each to f32).
 */
export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
  /** Adam's L2 term, grad + weightDecay · p (0 for AdamW). */
  weightDecay: number;
  /** AdamW's decoupled decay, p · (1 − lr · weightDecay) (1 for Adam). */
  paramScale: number;
  /** lr / (1 − β1^step). */
  stepSize: number;
  /** √(1 − β2^step). */
  biasCorrection2Sqrt: number;
  maximize: boolean;
}

export interface OptimKernels {
  /** One SGD update of p in place; buf (p's momentum buffer) is read/written when momentum != 0, else null. */
  sgd(p: Float32Array, grad: Float32Array, buf: Float32Array | null, hyper: SgdHyper): void;
  /**
   * One Adam/AdamW update of p and its moments in place; maxExpAvgSq (amsgrad's running maximum
   * of expAvgSq) is read/written when amsgrad is on, else null.
   */
  adam(
    p: Float32Array,
    grad: Float32Array,
    expAvg: Float32Array,
    expAvgSq: Float32Array,
    maxExpAvgSq: Float32Array | null,
    hyper: AdamHyper,
  ): void;
}

/** C (+)= op(A) · op(B), row-major: op(A) is [m, k], op(B) is [k, n], C is [m, n]. */
export interface GemmDesc {
  m: number;
  n: number;
  k: number;
  /** op(A) = Aᵀ of A stored [k, m]; false: A stored [m, k]. */
  transA: boolean;
  /** op(B) = Bᵀ of B stored [n, k]; false: B stored [k, n]. */
  transB: boolean;
  /** Add into C instead of overwriting it. */
  accumulate: boolean;
}

export interface GemmKernels {
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, desc: GemmDesc): void;
}

/**
 * The sliding windows of one image [c, h, w] (im2col, torch's unfold): outH × outW windows of
 * kh × kw pixels, window (oy, ox) tap (ky, kx) reading pixel
 * (oy·strideH + ky·dilationH − padTop, ox·strideW + kx·dilationW − padLeft), zero outside the
 * image. The padding after the image is implied by outH and outW (so 'same' may be asymmetric).
 */
export interface WindowGeometry {
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

/**
 * A grouped convolution: input [batch, groups·window.c, window.h, window.w], weight
 * [outChannels, window.c, kh, kw], output [batch, outChannels, outH, outW]; group g maps input
 * channels [g·c, (g+1)·c) to output channels [g·o, (g+1)·o), o = outChannels / groups.
 */
export interface ConvGeometry {
  batch: number;
  groups: number;
  outChannels: number;
  window: WindowGeometry;
}

/** Floats of conv2d's output [batch, outChannels, outH, outW]. */
export function convOutputSize(g: ConvGeometry): number {
  return g.batch * g.outChannels * g.window.outH * g.window.outW;
}

/** Floats of im2col's columns [batch, c·kh·kw, outH·outW]. */
export function colsSize(batch: number, g: WindowGeometry): number {
  return batch * g.c * g.kh * g.kw * g.outH * g.outW;
}

export interface ConvKernels {
  /** A new cols with cols[n] = im2col(x[n]) for each image: x [batch, c, h, w] → cols [batch, c·kh·kw, outH·outW]. */
  im2col(x: Float32Array, batch: number, g: WindowGeometry): Float32Array;
  /** x[n] += col2im(cols[n]) (torch's fold: overlapping windows sum). */
  col2im(cols: Float32Array, x: Float32Array, batch: number, g: WindowGeometry): void;
  /**
   * out += conv2d(x, w) + bias (per output channel; none when null), or with out null a new array
   * of conv2d(x, w) + bias [batch, outChannels, outH, outW]; returns out or the new array.
   */
  conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array | null, g: ConvGeometry): Float32Array;
  /** dx += the input gradient of conv2d for output gradient dy (also conv_transpose2d's forward). */
  conv2dGradInput(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void;
  /** dw += the weight gradient of conv2d for input x and output gradient dy. */
  conv2dGradWeight(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void;
  /**
   * dx, dw, db += conv2d's three gradients (the ones not null) for input x, weight w and output
   * gradient dy, in one call; `zeroed`: every buffer given holds zeros, so a backend may skip reading them.
   */
  conv2dBackward(x: Float32Array, w: Float32Array, dy: Float32Array, grads: ConvGrads, g: ConvGeometry, zeroed: boolean): void;
  /** out[n, o, :] += bias[o] for out viewed [batch, bias.length, plane]. */
  biasAdd(out: Float32Array, bias: Float32Array, batch: number, plane: number): void;
  /** dbias[o] += sum of dy[n, o, :] over n and the plane. */
  biasGrad(dy: Float32Array, dbias: Float32Array, batch: number, plane: number): void;
}

/**
 * Where each element of a 2-D pad of `planes` slices [h, w] → [oh, ow] reads from:
 * out[p, i, j] = x[p, maps[i], maps[oh + j]], or the fill value where either entry is -1.
 * Output columns [runStart, runStart + runLength) read consecutive input columns starting at
 * maps[oh + runStart], so kernels may move them as one block.
 */
export interface PadPlan {
  planes: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  /** oh source rows, then ow source columns; -1 = fill. */
  maps: Int32Array;
  runStart: number;
  runLength: number;
}

export interface PadKernels {
  /** out = the gather of x through the plan's maps (value where a map says -1). */
  pad(x: Float32Array, out: Float32Array, plan: PadPlan, value: number): void;
  /** dx += the scatter-add of g back through the maps (the adjoint of pad). */
  padGrad(g: Float32Array, dx: Float32Array, plan: PadPlan): void;
}

/**
 * The gradient buffers a backward pass adds into; null where no gradient is needed. Distinct
 * buffers: a backend may copy each in and out on its own (conv2d(x, x) makes two passes).
 */
export interface ConvGrads<B = Float32Array> {
  dx: B | null;
  dw: B | null;
  db: B | null;
}

/**
 * Direct kernels of a depthwise geometry: window.c == 1, i.e. groups == C and weight
 * [C·m, 1, kh, kw], each output channel reading one input channel (src/backend/depthwise.ts).
 */
export interface DepthwiseKernels {
  /** A new array of conv2d(x, w) + bias (per output channel; none when null). */
  depthwiseConv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeometry): Float32Array;
  /** dx, dw, db += the gradients of conv2d(x, w) + bias for output gradient dy, in one pass; `zeroed` as in conv2dBackward. */
  depthwiseConv2dBackward(x: Float32Array, w: Float32Array, dy: Float32Array, grads: ConvGrads, g: ConvGeometry, zeroed: boolean): void;
}

/** An NCHW tensor viewed [batch, channels, plane] (plane = H·W): batch norm's statistics are per channel, over batch·plane values. */
export interface ChannelDims {
  batch: number;
  channels: number;
  plane: number;
}

/** Per-channel normalisation x̂ = (x − mean)·invstd: the batch's statistics in training, the running ones in eval. */
export interface ChannelNorm {
  mean: Float32Array;
  invstd: Float32Array;
}

/** Training-mode batch statistics per channel (PyTorch's float32 values): mean, Σ(x − mean)² and 1/√(biased var + eps). */
export interface BatchStats extends ChannelNorm {
  varSum: Float32Array;
}

/**
 * Batch normalisation y = x̂·weight + bias (weight and bias per channel; null: 1 and 0). The
 * per-channel arithmetic between passes is shared by both backends (src/backend/batch-norm.ts).
 */
export interface BatchNormKernels {
  /** Training mode: the batch statistics of x and a new array of the output normalised by them. */
  batchNormTrain(
    x: Float32Array,
    weight: Float32Array | null,
    bias: Float32Array | null,
    eps: number,
    dims: ChannelDims,
  ): { out: Float32Array; stats: BatchStats };
  /** Eval mode: a new array of the output normalised by given (running) statistics. */
  batchNormEval(
    x: Float32Array,
    norm: ChannelNorm,
    weight: Float32Array | null,
    bias: Float32Array | null,
    dims: ChannelDims,
  ): Float32Array;
  /**
   * dx, dw (weight), db (bias) += the gradients of y for output gradient dy, x normalised by
   * `norm`: in training through the batch statistics too, in eval with them fixed; `zeroed`:
   * dx holds zeros, so a backend may write it without reading it.
   */
  batchNormBackward(
    x: Float32Array,
    dy: Float32Array,
    weight: Float32Array | null,
    norm: ChannelNorm,
    grads: ConvGrads,
    dims: ChannelDims,
    training: boolean,
    zeroed: boolean,
  ): void;
}

/**
 * avg_pool2d's divisor of a window's sum (aten/src/ATen/native/cpu/AvgPoolKernel.cpp):
 * `divisorOverride` when non-zero, else the window's size clipped to the padded input
 * (`countIncludePad`) or to the input.
 */
export interface AvgPoolDivisor {
  countIncludePad: boolean;
  /** 0: none. */
  divisorOverride: number;
}

/** adaptive_avg_pool2d of `planes` planes [h, w] into [outH, outW]. */
export interface AdaptivePoolGeometry {
  planes: number;
  h: number;
  w: number;
  outH: number;
  outW: number;
}

/**
 * 2-D pooling (the definitions are in src/backend/js/pool.ts). Its windows are a WindowGeometry
 * whose `c` planes are every image's channels (N·C: images and channels pool alike), padded by
 * padTop / padLeft on both sides (PyTorch pads symmetrically; ceil mode's last window may reach
 * past the padding after the input, and is clipped).
 */
export interface PoolKernels {
  /**
   * A new array of the max of each window (padding counts as -Inf, NaN wins) and, when
   * `withArgmax`, a new array of each window's argmax: the in-plane index (row·w + column) of its
   * first maximum in row-major window order (its last NaN), -1 where a window sees only padding.
   */
  maxPool2d(x: Float32Array, g: WindowGeometry, withArgmax: boolean): { out: Float32Array; argmax: Int32Array | null };
  /** dx[p, argmax[p, o]] += dy[p, o], skipping -1; `zeroed`: dx holds zeros, so a backend may write it without reading it. */
  maxPool2dBackward(dy: Float32Array, argmax: Int32Array, dx: Float32Array, g: WindowGeometry, zeroed: boolean): void;
  /** A new array of each window's mean, its sum divided as `divisor` says. */
  avgPool2d(x: Float32Array, g: WindowGeometry, divisor: AvgPoolDivisor): Float32Array;
  /** dx += avgPool2d's input gradient for output gradient dy; `zeroed` as in maxPool2dBackward. */
  avgPool2dBackward(dy: Float32Array, dx: Float32Array, g: WindowGeometry, divisor: AvgPoolDivisor, zeroed: boolean): void;
  /** A new array of adaptive_avg_pool2d(x). */
  adaptiveAvgPool2d(x: Float32Array, g: AdaptivePoolGeometry): Float32Array;
  /** dx += adaptiveAvgPool2d's input gradient for output gradient dy; `zeroed` as in maxPool2dBackward. */
  adaptiveAvgPool2dBackward(dy: Float32Array, dx: Float32Array, g: AdaptivePoolGeometry, zeroed: boolean): void;
}

/**
 * A reduction over some dims of a contiguous tensor (src/backend/reduce-plan.ts builds it): output
 * unit o is one value (width 1) or a row of `width` values (when the last dims are kept), and sums
 * the input at bases[o] + offsets[j] + l (+ w), over j, and over l < run (run > 1 only when width is 1):
 *   out[o·width + w] = Σ_j Σ_{l<run} x[bases[o] + offsets[j] + l + w]
 * Every input position is read by exactly one (o, j, l, w).
 */
export interface ReducePlan {
  /** Offset in x of each output unit's first input (the kept dims). */
  bases: Int32Array;
  /** Offsets of the reduced positions outside the innermost run (the reduced dims). */
  offsets: Int32Array;
  /** Length of the contiguous run each value sums (the innermost reduced dims), or 1. */
  run: number;
  /** Values per output unit (the innermost kept dims), or 1. */
  width: number;
}

export interface ReduceKernels {
  /** out (+)= scale · the sums of x over the plan (accumulated and scaled in float64, rounded once). */
  sumDims(x: Float32Array, out: Float32Array, plan: ReducePlan, scale: number, accumulate: boolean): void;
  /** dx (+)= g broadcast back over the plan (the adjoint of sumDims); `zeroed`: dx holds zeros, so a backend may write it. */
  broadcastDims(g: Float32Array, dx: Float32Array, plan: ReducePlan, zeroed: boolean): void;
  /**
   * out[o·width + w] = j·run + l of the first maximum of unit (o, w) as the plan reads it (a NaN is
   * above every number, and the first NaN wins); every unit reads at least one value.
   */
  argmax(x: Float32Array, out: Float32Array, plan: ReducePlan): void;
}

/** x [outer, rows, mid, cols, inner] → out [outer, cols, mid, rows, inner]: torch.transpose of two dims, made contiguous. */
export interface TransposeDims {
  outer: number;
  rows: number;
  mid: number;
  cols: number;
  inner: number;
}

export interface TransposeKernels {
  /** out (+)= x with its dims `rows` and `cols` swapped. */
  transpose(x: Float32Array, out: Float32Array, d: TransposeDims, accumulate: boolean): void;
}

/** F.linear's sizes: x [rows, inFeatures], weight [outFeatures, inFeatures], y [rows, outFeatures]. */
export interface LinearDims {
  rows: number;
  inFeatures: number;
  outFeatures: number;
}

export interface LinearKernels {
  /** A new y = x·weightᵀ + bias (bias added to every row; none when null). */
  linear(x: Float32Array, w: Float32Array, bias: Float32Array | null, d: LinearDims): Float32Array;
  /**
   * dx += dy·w, dw += dyᵀ·x, db += the column sums of dy (the ones not null), in one call; `zeroed`
   * as in conv2dBackward.
   */
  linearBackward(x: Float32Array, w: Float32Array, dy: Float32Array, grads: ConvGrads, d: LinearDims, zeroed: boolean): void;
}

/** The elementwise activations (and exp, log) of src/ops/activation.ts; the math is in assembly/math.ts. */
export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'exp' | 'log';

export interface ActivationKernels {
  /** A new array of f(x) (the wasm backend's copy-constructed from its memory, never zeroed). */
  activation(f: Activation, x: Float32Array): Float32Array;
  /**
   * dx (+)= f's gradient for output gradient dy, from what PyTorch's backward reads: the output y
   * for relu (dy where y > 0), sigmoid (dy·(1 − y)·y), tanh (dy·(1 − y²)) and exp (dy·y); the
   * input x for log (dy / x). `zeroed`: dx holds zeros, so a backend may write instead of add.
   */
  activationBackward(f: Activation, saved: Float32Array, dy: Float32Array, dx: Float32Array, zeroed: boolean): void;
}

/** x viewed [outer, size, inner]: softmax runs over the `size` values of each of the outer·inner rows, inner apart. */
export interface RowsLayout {
  outer: number;
  size: number;
  inner: number;
}

export interface SoftmaxKernels {
  /** A new array of softmax (log: log_softmax) over each row, max-subtracted (assembly/softmax.ts). */
  softmax(x: Float32Array, rows: RowsLayout, log: boolean): Float32Array;
  /** dx (+)= the gradient from the output y and dy: y·(dy − Σ dy·y), or for log dy − exp(y)·Σ dy; `zeroed` as in activationBackward. */
  softmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: RowsLayout, log: boolean, zeroed: boolean): void;
}

/**
 * One cross entropy over logits x viewed [outer, size = classes, inner] (the equations are in
 * assembly/cross-entropy.ts): the target as class indices per position (−1 = ignored) or as
 * probabilities laid out as x, the class weights, and label smoothing ε as its float32 factors.
 */
export interface CrossEntropyDesc {
  rows: RowsLayout;
  target: { indices: Int32Array } | { probs: Float32Array };
  /** One weight per class (ones when none was given). */
  weight: Float32Array;
  /** 1 − ε */
  keep: number;
  /** ε / classes */
  spread: number;
}

export interface CrossEntropyKernels {
  /** losses[p] = each position's loss (0 where ignored); returns their sum, accumulated in float64. */
  crossEntropy(x: Float32Array, desc: CrossEntropyDesc, losses: Float32Array): number;
  /**
   * dx, dtarget (+)= the gradients of Σ_p scale[p]·losses[p]; dtarget only for probabilities,
   * either may be null; `zeroed`: both buffers given hold zeros.
   */
  crossEntropyBackward(
    x: Float32Array,
    desc: CrossEntropyDesc,
    scale: Float32Array,
    dx: Float32Array | null,
    dtarget: Float32Array | null,
    zeroed: boolean,
  ): void;
}

/** A window pooling after a convolution's activation (src/ops/fused.ts): its windows over the activation's N·C planes. */
export type FusedPool = { kind: 'max'; g: WindowGeometry } | { kind: 'avg'; g: WindowGeometry; divisor: AvgPoolDivisor };

/**
 * What a fused layer's forward keeps for its backward (with pooling): the activation's output and
 * max pooling's argmax, held by the backend that made them. The wasm backend keeps them, and the
 * input, in WebAssembly memory, where its backward reads them without copying them back in.
 */
export interface Kept {
  /** The activation's output (from the wasm backend, a copy out of its memory). */
  activation(): Float32Array;
  /** Max pooling's argmax (null for average pooling). */
  argmax(): Int32Array | null;
  /** Gives the memory back, once no backward will read it. */
  release(): void;
}

/**
 * A convolution, its activation and the pooling after it as one call each way, with the kernels
 * of the three ops in the same order, so the same numbers: the convolution's output and the
 * activation's stay in a backend's own memory in between (src/ops/fused.ts).
 */
export interface FusedKernels {
  /**
   * A new array of pool(f(conv2d(x, w) + bias)), or of f(conv2d(x, w) + bias) when pool is null;
   * with pooling and `keep`, also what the backward reads (else `kept` is null).
   */
  convActPool(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    g: ConvGeometry,
    f: Activation,
    pool: FusedPool | null,
    keep: boolean,
  ): { out: Float32Array; kept: Kept | null };
  /**
   * dx, dw, db (the ones not null) += the gradients for output gradient dy, from what the forward
   * kept (with pooling) or the forward's output, the activation's (without); `zeroed` as in
   * conv2dBackward.
   */
  convActPoolBackward(
    x: Float32Array,
    w: Float32Array,
    saved: Kept | Float32Array,
    dy: Float32Array,
    grads: ConvGrads,
    g: ConvGeometry,
    f: Activation,
    pool: FusedPool | null,
    zeroed: boolean,
  ): void;
}

/** A backend: every kernel family above, each implemented by src/backend/js/ and src/backend/wasm/. */
export interface Kernels
  extends
    ElementwiseKernels,
    Corr2dKernels,
    OptimKernels,
    GemmKernels,
    ConvKernels,
    PadKernels,
    DepthwiseKernels,
    BatchNormKernels,
    PoolKernels,
    ReduceKernels,
    TransposeKernels,
    LinearKernels,
    ActivationKernels,
    SoftmaxKernels,
    CrossEntropyKernels,
    FusedKernels {
  readonly name: BackendName;
}
