// The Tensor: a dense, row-major, contiguous float32 array with a shape, plus its place in the
// autograd graph. Methods are thin: the math lives in src/ops/, one file per op family, each op
// with its backward beside its forward.
import { type GradNode, runBackward } from './autograd.js';
import { formatTensor } from './format.js';
import { exp, log, relu, sigmoid, tanh } from './ops/activation.js';
import { add, div, mul, neg, pow, square, sub } from './ops/elementwise.js';
import { argmax, type Dims, mean, sum } from './ops/reduce.js';
import { clone, flatten, reshape, t, transpose } from './ops/view.js';
import { getRegion, type IndexSpec, setRegion } from './ops/region.js';
import { checkOptionKeys, checkShape, describe, fmtShape, sameShape, sizeOf, type Shape } from './shape.js';

/**
 * Numbers or arrays of them nested to any depth, rectangular at every level: what
 * {@link tensor} reads (`[[1, 2], [3, 4]]` is a `[2, 2]` tensor, a bare number a 0-d one) and
 * {@link Tensor.toArray} gives back, as `torch.tensor` and `Tensor.tolist()`.
 */
export type NestedArray = number | NestedArray[];

/**
 * A dense, row-major, contiguous array of float32 values with a shape, and its place in the
 * autograd graph: `torch.Tensor` for float32 on the CPU. Make one with {@link tensor},
 * {@link zeros}, {@link ones}, {@link full}, {@link arange}, {@link rand} or {@link randn}, or as
 * the result of an op; the methods here are the ops of the same names (`x.add(y)` is
 * {@link add}`(x, y)`).
 *
 * Where it differs from PyTorch: float32 is the only dtype (indices, as from {@link argmax}, are
 * whole numbers in float32); every tensor is contiguous, so {@link Tensor.reshape},
 * {@link Tensor.flatten} and {@link Tensor.detach} share the data while {@link Tensor.transpose}
 * copies it; and there are no in-place ops (`add_`, `mul_`): values change in place only through
 * {@link Tensor.set}, writes into {@link Tensor.data}, and what PyTorch also changes in place
 * (the `nn.init` initialisers, the optimizers, `loadStateDict`, batch norm's running
 * statistics). Tensors are garbage collected like any JavaScript object: nothing needs disposing.
 *
 * @example
 * ```ts
 * const x = wc.tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
 * const y = x.mul(x).sum();       // 30
 * y.backward();
 * x.grad?.toArray();              // [[2, 4], [6, 8]]
 * console.log(x.get(':, 1').toString());  // tensor([2., 4.], grad_fn=<GetBackward0>)
 * ```
 */
export class Tensor {
  /**
   * The values, row-major (the last dimension varies fastest), `size` of them. Reading and writing
   * it is free, and writing changes the tensor, as PyTorch's `.data`: a write is not recorded by
   * autograd, and a tensor sharing the array (a reshape, a detach) sees it too.
   */
  readonly data: Float32Array;
  /** The size of each dimension (`[]` for a 0-d tensor, a scalar), frozen: `torch.Tensor.shape` as an array. */
  readonly shape: Shape;
  /**
   * The gradient {@link Tensor.backward} accumulated into this leaf (`.grad` in PyTorch): null
   * until a backward reaches it, a tensor of this tensor's shape after, added into by every later
   * backward until cleared (set to null by hand, or by {@link nn.Module.zeroGrad} and the
   * optimizers' `zeroGrad`). Tensors computed by an op (non-leaves) keep none. You may assign a
   * tensor of this shape or null; backward checks it.
   */
  grad: Tensor | null = null;
  /**
   * How this tensor was computed, PyTorch's `grad_fn`: the recorded op (its name is `gradFn.op`,
   * which `toString()` prints as `grad_fn=<...Backward0>`, and its inputs `gradFn.inputs`), or
   * null for a leaf, a tensor the user made, and for anything computed without a graph (no input
   * requiring grad, or inside {@link noGrad}).
   */
  gradFn: GradNode | null = null;
  private _requiresGrad = false;

  /**
   * Wraps `data` (not copied: the tensor and the caller share it) as a tensor of `shape`, the
   * low-level constructor the ops use. To build from user data use {@link tensor}, which copies
   * and reads nested arrays.
   *
   * @param data - The values, row-major, exactly as many as `shape` holds.
   * @param shape - The size of each dimension, whole numbers >= 0.
   * @param requiresGrad - Whether backward should fill this leaf's `.grad` (default false).
   * @throws `TypeError` (message starting `Tensor:`) when `data` is not a Float32Array, a shape
   *   entry is not an integer, or `requiresGrad` is not a boolean; `RangeError` for a negative
   *   size, or a shape that needs more or fewer values than `data` has.
   */
  constructor(data: Float32Array, shape: Shape, requiresGrad = false) {
    if (!(data instanceof Float32Array)) throw new TypeError(`Tensor: data must be a Float32Array, got ${describe(data)}`);
    const dims = checkShape('Tensor', shape);
    if (sizeOf(dims) !== data.length) {
      throw new RangeError(`Tensor: shape ${fmtShape(dims)} needs ${sizeOf(dims)} values but data has ${data.length}`);
    }
    if (typeof requiresGrad !== 'boolean') throw new TypeError(`Tensor: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
    this.data = data;
    this.shape = Object.freeze(dims);
    this._requiresGrad = requiresGrad;
  }

  /** The number of values, the product of the shape (1 for a 0-d tensor): `numel()` in PyTorch. */
  get size(): number {
    return this.data.length;
  }

  /** The number of dimensions, `shape.length` (`dim()` in PyTorch). */
  get ndim(): number {
    return this.shape.length;
  }

  /** True for a tensor not computed by a recorded op (`gradFn` null), as PyTorch's `is_leaf`: backward fills `.grad` on leaves only. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * Whether autograd records the ops on this tensor (`requires_grad`): true for a leaf asked for
   * it ({@link TensorOptions.requiresGrad}, every {@link nn.Parameter}) and for every tensor
   * computed from one while grad mode is on.
   */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  /**
   * Turns gradients on or off for a leaf, as PyTorch's `x.requires_grad_()`.
   *
   * @throws `TypeError` (message starting `requiresGrad:`) for a value that is not a boolean;
   *   `RangeError` when turning it off on a tensor computed by an op (use {@link Tensor.detach}).
   */
  set requiresGrad(v: boolean) {
    if (typeof v !== 'boolean') throw new TypeError(`requiresGrad: expected a boolean, got ${describe(v)}`);
    if (!v && this.gradFn) {
      throw new RangeError('requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach()');
    }
    this._requiresGrad = v;
  }

  /** A new leaf tensor of this tensor's shape wrapping `data` (not copied), outside the graph; `data` must hold `size` values. */
  like(data: Float32Array): Tensor {
    return new Tensor(data, this.shape);
  }

  /** `this + o` elementwise, `o` a number or a tensor broadcast against this one: {@link add}, `torch.add`. */
  add(o: Tensor | number): Tensor {
    return add(this, o);
  }
  /** `this − o` elementwise, `o` a number or a broadcastable tensor: {@link sub}, `torch.sub`. */
  sub(o: Tensor | number): Tensor {
    return sub(this, o);
  }
  /** `this · o` elementwise, `o` a number or a broadcastable tensor: {@link mul}, `torch.mul`. */
  mul(o: Tensor | number): Tensor {
    return mul(this, o);
  }
  /** `this / o` elementwise, `o` a number or a broadcastable tensor: {@link div}, `torch.div`. */
  div(o: Tensor | number): Tensor {
    return div(this, o);
  }
  /** `−this` elementwise: {@link neg}, `torch.neg`. */
  neg(): Tensor {
    return neg(this);
  }
  /** Each value to the power `p` (a number): {@link pow}, `torch.pow` with a scalar exponent. */
  pow(p: number): Tensor {
    return pow(this, p);
  }
  /** Each value squared: {@link square}, `torch.square`. */
  square(): Tensor {
    return square(this);
  }
  /**
   * The sum over `dim` (a number or an array, negative counting from the end; every dim when
   * absent), reduced dims dropped or, with `keepdim`, kept as 1: {@link sum}, `torch.sum`.
   */
  sum(dim?: Dims | null, keepdim = false): Tensor {
    return sum(this, dim, keepdim);
  }
  /** The mean over `dim`, with the same arguments as {@link Tensor.sum}: {@link mean}, `torch.mean`. */
  mean(dim?: Dims | null, keepdim = false): Tensor {
    return mean(this, dim, keepdim);
  }
  /**
   * The index of the first maximum along `dim` (into the flattened tensor when absent), as whole
   * numbers in float32, never requiring grad: {@link argmax}, `torch.argmax`.
   */
  argmax(dim?: number | null, keepdim = false): Tensor {
    return argmax(this, dim, keepdim);
  }
  /** `e` to the power of each value: {@link exp}, `torch.exp`. */
  exp(): Tensor {
    return exp(this);
  }
  /** The natural logarithm of each value (−Infinity at 0, NaN below): {@link log}, `torch.log`. */
  log(): Tensor {
    return log(this);
  }
  /** `max(x, 0)` elementwise: {@link relu}, `torch.relu`. */
  relu(): Tensor {
    return relu(this);
  }
  /** `1/(1 + exp(−x))` elementwise: {@link sigmoid}, `torch.sigmoid`. */
  sigmoid(): Tensor {
    return sigmoid(this);
  }
  /** The hyperbolic tangent elementwise: {@link tanh}, `torch.tanh`. */
  tanh(): Tensor {
    return tanh(this);
  }

  /**
   * The same values in a new shape, given as numbers (`x.reshape(2, -1)`) or one array
   * (`x.reshape([2, -1])`); one dimension may be −1, inferred from the others. Shares the data
   * (a write through one shows in the other), as `torch.Tensor.view`/`reshape` of a contiguous
   * tensor; the gradient flows back through it.
   *
   * @throws `TypeError` (message starting `reshape:`) for a dimension that is not an integer;
   *   `RangeError` for a size below −1, more than one −1, or a shape whose size differs from
   *   this tensor's.
   */
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return reshape(this, shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : (shape as number[]));
  }

  /**
   * Dims `startDim` to `endDim` (inclusive, negative counting from the end) merged into one, as
   * `torch.flatten`; every dim by default, so the result is 1-D. Shares the data, like reshape.
   * See {@link flatten}.
   */
  flatten(startDim = 0, endDim = -1): Tensor {
    return flatten(this, startDim, endDim);
  }

  /**
   * Dims `dim0` and `dim1` (negative counting from the end) swapped, as `torch.transpose`, but as
   * a contiguous copy (PyTorch returns a strided view sharing the data). See {@link transpose}.
   */
  transpose(dim0: number, dim1: number): Tensor {
    return transpose(this, dim0, dim1);
  }

  /** A 2-D tensor transposed (a copy), a 0-D or 1-D one as it is, as `torch.Tensor.t`; more dims are a `RangeError`. See {@link t}. */
  t(): Tensor {
    return t(this);
  }

  /** A copy of the values that stays in the graph (gradients flow back through it), as `torch.clone`. */
  clone(): Tensor {
    return clone(this);
  }

  /**
   * The same data as a new leaf cut off from the graph, not requiring grad: shares the array, as
   * `torch.Tensor.detach` does (use `clone()` of the detached tensor, or {@link tensor}(x), for a copy).
   */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /**
   * Reads a region as a new tensor (a copy), with NumPy/PyTorch basic indexing: `x.get(':, 2:6')`
   * is PyTorch's `x[:, 2:6]`, `x.get('..., -1')` its `x[..., -1]`, `x.get([0, null, [1, null, 2]])`
   * its `x[0, :, 1::2]`. An integer index drops its dimension; slices clamp as Python's do. See
   * {@link IndexSpec}. Differentiable: the gradient lands in the region.
   *
   * @throws `TypeError` (message starting `get:`) for an index that cannot be read (not a string
   *   or an array, a non-integer, two `...`); `RangeError` for more indices than dimensions, an
   *   integer index out of range, or a slice step <= 0.
   */
  get(index: IndexSpec): Tensor {
    return getRegion(this, index);
  }

  /**
   * Writes `value` (a number, or a tensor broadcastable to the region) into a region in place and
   * returns this tensor: `X.set(':, 2:6', 0)` is PyTorch's `X[:, 2:6] = 0`. The index is read as by
   * {@link Tensor.get}. As in PyTorch, a tensor that requires grad may be written only inside
   * {@link noGrad}; the write is not recorded.
   *
   * @throws `TypeError` (message starting `set:`) when this tensor requires grad outside
   *   `noGrad`, for an unreadable index, or a value that is neither a number nor a tensor;
   *   `RangeError` for an index out of range or a value that does not broadcast to the region.
   */
  set(index: IndexSpec, value: Tensor | number): this {
    setRegion(this, index, value);
    return this;
  }

  /**
   * The value of a one-element tensor as a number, as `torch.Tensor.item`.
   *
   * @throws `RangeError` (message starting `item:`) for a tensor of any other size.
   */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(`item: only a one-element tensor can be converted to a number, got shape ${fmtShape(this.shape)}`);
    }
    return this.data[0];
  }

  /** The values as nested arrays of numbers, one level per dimension (a number for a 0-d tensor), as `torch.Tensor.tolist`. */
  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /**
   * The tensor as PyTorch prints it, with its default print options: `tensor([[19., 25.],
   * [37., 43.]])` laid out over lines of 80 characters, four decimals (`19.` for whole numbers),
   * scientific notation when magnitudes span too much, only the edges (with `...`) past 1000
   * values, and `requires_grad=True` or `grad_fn=<...Backward0>` after the values.
   */
  toString(): string {
    return formatTensor(this);
  }

  /**
   * Back-propagates from this tensor into the `.grad` of every leaf below it that requires grad,
   * as `torch.Tensor.backward`: gradients accumulate (are added into an existing `.grad`) until
   * cleared, so call the optimizer's or the module's `zeroGrad()` between steps. A one-element
   * tensor (a loss) needs no `gradient`; any other needs d(loss)/d(this), a tensor of its own
   * shape. As in PyTorch, what ops saved for the backward beyond their inputs (a fused conv
   * layer's activation, max pooling's argmax) is freed after it: a second backward through them
   * needs `{ retainGraph: true }` on the first (ops that save only their inputs can always run
   * again).
   *
   * @param gradient - d(loss)/d(this), of this tensor's shape; null or absent for a one-element tensor.
   * @param options - See {@link BackwardOptions}.
   * @throws `TypeError` (message starting `backward:`) when this tensor does not require grad, a
   *   `gradient` that is not a tensor, a non-boolean `retainGraph` or an unknown option, or a
   *   leaf's `.grad` that is neither a tensor nor null; `RangeError` when `gradient` is missing
   *   for a tensor of more than one value or has another shape, a leaf's `.grad` has another
   *   shape, or the graph runs through values an earlier backward freed.
   *
   * @example
   * ```ts
   * const w = wc.randn([3], { requiresGrad: true });
   * const loss = w.square().sum();
   * loss.backward();          // w.grad is 2·w
   * ```
   */
  backward(gradient?: Tensor | null, options: BackwardOptions = {}): void {
    const { retainGraph = false } = checkOptionKeys('backward', options, ['retainGraph']);
    if (typeof retainGraph !== 'boolean') throw new TypeError(`backward: retainGraph must be a boolean, got ${describe(retainGraph)}`);
    if (!this.requiresGrad) {
      throw new TypeError('backward: this tensor does not require grad and has no grad_fn (nothing to differentiate)');
    }
    let seed: Float32Array;
    if (gradient === undefined || gradient === null) {
      if (this.size !== 1) {
        throw new RangeError(
          `backward: a gradient can be implied only for a one-element output, got shape ${fmtShape(this.shape)}; pass backward(gradient)`,
        );
      }
      seed = new Float32Array([1]);
    } else {
      if (!(gradient instanceof Tensor)) throw new TypeError(`backward: gradient must be a Tensor, got ${describe(gradient)}`);
      if (!sameShape(gradient.shape, this.shape)) {
        throw new RangeError(`backward: gradient has shape ${fmtShape(gradient.shape)} but the tensor has shape ${fmtShape(this.shape)}`);
      }
      // closures only read their output's gradient; a leaf root would adopt it as .grad
      seed = this.gradFn ? gradient.data : gradient.data.slice();
    }
    runBackward(this, seed, retainGraph);
  }
}

/** The options of {@link Tensor.backward}. */
export interface BackwardOptions {
  /**
   * Keep what ops saved for the backward, to run backward through the same graph again, as
   * PyTorch's `retain_graph`.
   *
   * @defaultValue `false`
   */
  retainGraph?: boolean;
}
