// conv2d, then an activation, then a window pooling (or none), as one op: what nn.Sequential runs
// for a Conv2d followed by ReLU, Sigmoid or Tanh and by MaxPool2d or AvgPool2d. The backend runs
// the three ops' kernels one after another in one call each way (FusedKernels), so the output and
// every gradient are the three ops' own, bit for bit; in between, the convolution's output and the
// activation's stay in the backend's memory: on wasm a layer's data crosses into and out of
// WebAssembly memory once instead of three times each way, and no array is made for the two
// results nobody sees.
//   forward   z = conv2d(x, w) + b,   y = f(z),   out = pool(y)
//   backward  dy = pool's input gradient of dOut (from its argmax for max pooling),
//             dz = f's gradient from y (relu, sigmoid and tanh read their output), then conv2d's.
import { isGradEnabled, record } from '../autograd.js';
import { kernels } from '../backend/index.js';
import type { FusedPool, Kept } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { relu, sigmoid, tanh } from './activation.js';
import { madeTensor } from './check.js';
import { checkConv2d, conv2d, type Conv2dOptions } from './conv2d.js';
import {
  avgPool2d,
  avgPoolSettings,
  type AvgPool2dOptions,
  maxPool2d,
  maxPoolSettings,
  type MaxPool2dOptions,
  poolGeometry,
} from './pool.js';
import type { Pair } from './conv-geometry.js';

export type FusedActivation = 'relu' | 'sigmoid' | 'tanh';

/** The pooling after the activation, as its layer would call the op. */
export type FusedPoolSpec =
  | { kind: 'max'; kernelSize: number | Pair; options?: MaxPool2dOptions }
  | { kind: 'avg'; kernelSize: number | Pair; options?: AvgPool2dOptions };

const ACTIVATIONS = { relu, sigmoid, tanh };

/** pool(f(conv2d(input, weight, bias, convOptions))), each step refusing what its own op refuses. */
export function convActPool(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  convOptions: Conv2dOptions | undefined,
  f: FusedActivation,
  poolSpec: FusedPoolSpec | null,
): Tensor {
  const checked = checkConv2d(input, weight, bias, convOptions);
  if (checked.pad) return composed(input, weight, bias, convOptions, f, poolSpec); // the padding modes pad first: no fusion
  const { x, unbatch, bias: b, g } = checked;
  const shape = [g.batch, g.outChannels, g.window.outH, g.window.outW];
  let pool: FusedPool | null = null;
  if (poolSpec?.kind === 'max') {
    pool = { kind: 'max', g: poolGeometry('maxPool2d', shape, maxPoolSettings('maxPool2d', poolSpec.kernelSize, poolSpec.options)) };
  } else if (poolSpec?.kind === 'avg') {
    const { countIncludePad, divisorOverride, ...settings } = avgPoolSettings('avgPool2d', poolSpec.kernelSize, poolSpec.options);
    pool = { kind: 'avg', g: poolGeometry('avgPool2d', shape, settings), divisor: { countIncludePad, divisorOverride } };
  }
  const outShape = pool ? [g.batch, g.outChannels, pool.g.outH, pool.g.outW] : shape;
  const inputs = b ? [x, weight, b] : [x, weight];
  // with pooling, the activation's output and max pooling's argmax are kept for the backward
  // alone, by the backend (FusedKernels); without, the output itself is what it reads
  const keep = pool !== null && isGradEnabled() && inputs.some((t) => t.requiresGrad);
  let made: { out: Float32Array; kept: Kept | null } | undefined;
  const out = madeTensor(
    'conv2d',
    outShape,
    () => (made = kernels('conv2d').convActPool(x.data, weight.data, b && b.data, g, f, pool, keep)).out,
  );
  const kept = made!.kept;
  const saved = kept ?? out.data;
  // grad_fn is the last op's, as PyTorch's would be
  const last = pool ? `${pool.kind}Pool2d` : f;
  const result = record(
    out,
    last,
    inputs,
    (dy, gradOf, untouched) => {
      const k = kernels(last);
      const grads = { dx: gradOf(x), dw: gradOf(weight), db: b && gradOf(b) };
      const zeroed = untouched(grads.dx, grads.dw, grads.db);
      // x is also the weight: its one buffer takes both gradients, added in one after the other (as conv2d)
      const passes =
        grads.dx !== null && grads.dx === grads.dw
          ? [
              { ...grads, dw: null },
              { ...grads, dx: null, db: null },
            ]
          : [grads];
      for (const p of passes) k.convActPoolBackward(x.data, weight.data, saved, dy, p, g, f, pool, zeroed);
    },
    kept ? [kept] : [],
  );
  return unbatch(result);
}

/** The three ops one after another (the padding modes, which pad the input first). */
function composed(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  convOptions: Conv2dOptions | undefined,
  f: FusedActivation,
  poolSpec: FusedPoolSpec | null,
): Tensor {
  const y = ACTIVATIONS[f](conv2d(input, weight, bias, convOptions));
  if (!poolSpec) return y;
  return poolSpec.kind === 'max'
    ? maxPool2d(y, poolSpec.kernelSize, poolSpec.options)
    : avgPool2d(y, poolSpec.kernelSize, poolSpec.options);
}
