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

export type NestedArray = number | NestedArray[];

export class Tensor {
  /** The values, row-major. Writing into it changes the tensor (like PyTorch's `.data`). */
  readonly data: Float32Array;
  readonly shape: Shape;
  /** The gradient accumulated by backward(); null until then, and for non-leaf tensors. */
  grad: Tensor | null = null;
  /** How this tensor was computed (null for leaves, created by the user). */
  gradFn: GradNode | null = null;
  private _requiresGrad = false;

  /** Wraps `data` (not copied) as a tensor of `shape`; use `tensor()` to build from user input. */
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

  get size(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** True for tensors not computed by a recorded op (they receive `.grad`). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(v: boolean) {
    if (typeof v !== 'boolean') throw new TypeError(`requiresGrad: expected a boolean, got ${typeof v}`);
    if (!v && this.gradFn) {
      throw new RangeError('requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach()');
    }
    this._requiresGrad = v;
  }

  /** A new leaf tensor of this shape wrapping `data`, outside the graph. */
  like(data: Float32Array): Tensor {
    return new Tensor(data, this.shape);
  }

  add(o: Tensor | number): Tensor {
    return add(this, o);
  }
  sub(o: Tensor | number): Tensor {
    return sub(this, o);
  }
  mul(o: Tensor | number): Tensor {
    return mul(this, o);
  }
  div(o: Tensor | number): Tensor {
    return div(this, o);
  }
  neg(): Tensor {
    return neg(this);
  }
  pow(p: number): Tensor {
    return pow(this, p);
  }
  square(): Tensor {
    return square(this);
  }
  /** torch.sum over `dim` (a number or an array; every dim when absent), reduced dims kept as 1 with `keepdim`. */
  sum(dim?: Dims | null, keepdim = false): Tensor {
    return sum(this, dim, keepdim);
  }
  /** torch.mean over `dim`, as sum. */
  mean(dim?: Dims | null, keepdim = false): Tensor {
    return mean(this, dim, keepdim);
  }
  /** torch.argmax: indices of the first maxima along `dim` (into the flattened tensor when absent), as whole float32s. */
  argmax(dim?: number | null, keepdim = false): Tensor {
    return argmax(this, dim, keepdim);
  }
  exp(): Tensor {
    return exp(this);
  }
  log(): Tensor {
    return log(this);
  }
  relu(): Tensor {
    return relu(this);
  }
  sigmoid(): Tensor {
    return sigmoid(this);
  }
  tanh(): Tensor {
    return tanh(this);
  }

  /** The same values in a new shape; one dimension may be -1. Shares data, like torch's view. */
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return reshape(this, shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : (shape as number[]));
  }

  /** torch.flatten: dims startDim..endDim merged into one; shares data, like reshape. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return flatten(this, startDim, endDim);
  }

  /** torch.transpose: dims dim0 and dim1 swapped, as a contiguous copy. */
  transpose(dim0: number, dim1: number): Tensor {
    return transpose(this, dim0, dim1);
  }

  /** torch.t: a 2-D tensor transposed; 0-D and 1-D ones as they are. */
  t(): Tensor {
    return t(this);
  }

  /** A copy that stays in the graph (gradients flow back through it). */
  clone(): Tensor {
    return clone(this);
  }

  /** The same data, cut off from the graph (shares memory, like torch's detach). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /**
   * Reads a region as a new tensor, NumPy/PyTorch style: `x.get(':, 2:6')` is `x[:, 2:6]`.
   * Differentiable: the gradient lands in the region.
   */
  get(index: IndexSpec): Tensor {
    return getRegion(this, index);
  }

  /**
   * Writes `value` (a number, or a tensor broadcastable to the region) into a region in place,
   * returning this tensor: `X.set(':, 2:6', 0)` is the notebook's `X[:, 2:6] = 0`.
   */
  set(index: IndexSpec, value: Tensor | number): this {
    setRegion(this, index, value);
    return this;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(`item: only a one-element tensor can be converted to a number, got shape ${fmtShape(this.shape)}`);
    }
    return this.data[0];
  }

  /** The values as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  toString(): string {
    return formatTensor(this);
  }

  /**
   * Back-propagates from this tensor into the `.grad` of every leaf that requires it. A scalar
   * needs no `gradient` (pass null or undefined); any other tensor needs d(loss)/d(this) of its
   * own shape. As in PyTorch, what ops saved for the backward beyond their inputs (a fused conv
   * layer's activation, max pooling's argmax) is freed after it: a second backward through them
   * needs `{ retainGraph: true }` on the first (ops that save only their inputs can always run
   * again).
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
      if (!(gradient instanceof Tensor)) throw new TypeError(`backward: gradient must be a Tensor, got ${typeof gradient}`);
      if (!sameShape(gradient.shape, this.shape)) {
        throw new RangeError(
          `backward: gradient has shape ${fmtShape(gradient.shape)} but the tensor has shape ${fmtShape(this.shape)}`,
        );
      }
      // closures only read their output's gradient; a leaf root would adopt it as .grad
      seed = this.gradFn ? gradient.data : gradient.data.slice();
    }
    runBackward(this, seed, retainGraph);
  }
}

export interface BackwardOptions {
  /** Keep what ops saved for the backward, to run backward through the same graph again (default false, as PyTorch). */
  retainGraph?: boolean;
}
