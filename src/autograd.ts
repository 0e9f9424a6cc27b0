// Reverse-mode autograd in the micrograd style: every differentiable op records its inputs and a
// backward closure beside its forward (see src/ops/). `backward()` orders the graph
// topologically and walks it in reverse; each closure adds (+=) its inputs' gradient
// contributions straight into their buffers, so several terms landing in one buffer are fused.
// Gradients of leaves accumulate into `.grad` across calls until zeroed, as in PyTorch. The
// gradients passed between ops come from ./buffers.ts and go back to it as soon as the op that
// reads them is done. What an op saved for its backward in such buffers (`saved`) is given back
// after the backward, as PyTorch frees saved tensors, unless retainGraph asks to keep the graph
// for another backward; ops that save nothing of their own may run backward again regardless.
import type { Tensor } from './tensor.js';
import { kernels } from './backend/index.js';
import type { Kept } from './backend/types.js';
import { pooledFloats, release } from './buffers.js';
import { describe, fmtShape, sameShape } from './shape.js';

/**
 * Given d(loss)/d(output) (read only), adds each input's contribution into `gradOf(input)`; null =
 * not needed. `untouched(...bufs)`, asked after every gradOf call of the op, is true when each
 * buffer given (nulls aside) is still the zeros gradOf made it with: a kernel may then skip reading it.
 */
export type BackwardFn = (
  grad: Float32Array,
  gradOf: (input: Tensor) => Float32Array | null,
  untouched: (...bufs: (Float32Array | null)[]) => boolean,
) => void;

/** A recorded op, a tensor's `gradFn`: the op's name, its inputs and its backward closure. */
export interface GradNode {
  /** The op that made the tensor, shown by toString as grad_fn. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly backward: BackwardFn;
  /** Arrays of ./buffers.ts (or a backend's Kept) that only the backward reads: given back after it, null once they are. */
  saved: Saved[] | null;
}

/** What an op keeps for its backward alone. */
export type Saved = Float32Array | Int32Array | Kept;

/** Gives a saved array back to ./buffers.ts, or a Kept to its backend. */
function giveBack(s: Saved): void {
  if (s instanceof Float32Array || s instanceof Int32Array) release(s);
  else s.release();
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` with grad mode off and returns what it returns, as `with torch.no_grad():`. Ops inside
 * record no graph, so their results do not require grad, save nothing for a backward and cost
 * less: use it for inference, for evaluation, and to write into parameters by hand
 * ({@link Tensor.set} refuses a tensor that requires grad outside it). Nests, and restores the
 * previous mode when `fn` returns or throws. `fn` must be synchronous: an `async` function's
 * awaited part runs after grad mode is back on.
 *
 * @param fn - The code to run without recording.
 * @returns What `fn` returns.
 * @throws `TypeError` (message starting `noGrad:`) when `fn` is not a function; anything `fn` throws.
 *
 * @example
 * ```ts
 * const predictions = wc.noGrad(() => net.forward(images).argmax(1));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`noGrad: expected a function, got ${describe(fn)}`);
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/**
 * Makes `out` a graph node when grad mode is on and some input requires a gradient. `saved`:
 * pooled arrays (./buffers.ts), or what a backend kept, that the backward reads and nothing else
 * does, given back after it.
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: BackwardFn, saved: Saved[] = []): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.gradFn = { op, inputs, backward, saved };
    out.requiresGrad = true;
  } else {
    saved.forEach(giveBack);
  }
  return out;
}

/**
 * Back-propagates `seed` (d(loss)/d(root)) from `root` into the `.grad` of every leaf below it.
 * `seed` is only read, unless root is itself a leaf, which adopts it as its `.grad`. Unless
 * `retainGraph`, each node's saved arrays are given back once its backward has run.
 */
export function runBackward(root: Tensor, seed: Float32Array, retainGraph = false): void {
  const k = kernels('backward');
  const grads = new Map<Tensor, Float32Array>([[root, seed]]);
  // buffers gradOf has created and handed out once: a second hand-out may follow a write
  const fresh = new Set<Float32Array>();
  const gradOf = (t: Tensor): Float32Array | null => {
    if (!t.requiresGrad) return null;
    let g = grads.get(t);
    if (g) {
      fresh.delete(g);
    } else {
      grads.set(t, (g = pooledFloats(t.size, true)));
      fresh.add(g);
    }
    return g;
  };
  const untouched = (...bufs: (Float32Array | null)[]) => bufs.every((b) => b === null || fresh.has(b));
  const order = reverseTopological(root);
  order.forEach(checkLeafGrad); // a user-assigned .grad is checked before anything is added into it
  for (const t of order) {
    if (t.gradFn?.saved === null) {
      throw new RangeError(
        `backward: the graph reaches a ${t.gradFn.op} whose saved values an earlier backward() freed; pass { retainGraph: true } to that backward() to run backward through the graph again`,
      );
    }
  }
  for (const t of order) {
    const g = grads.get(t);
    if (!g) continue;
    if (t.gradFn) {
      t.gradFn.backward(g, gradOf, untouched);
      if (!retainGraph && t.gradFn.saved!.length > 0) {
        t.gradFn.saved!.forEach(giveBack);
        t.gradFn.saved = null;
      }
    } else if (t.grad) {
      k.axpy(t.grad.data, g, 1);
    } else {
      t.grad = t.like(g); // a buffer of gradOf's (or the seed, copied by the caller), now the leaf's own
      grads.delete(t);
      continue;
    }
    grads.delete(t); // each buffer is final once its tensor is visited
    if (g !== seed) release(g); // read by nobody now: back to the pool for the next one
  }
}

/** A leaf's `.grad` is null or a tensor of the leaf's shape (users may assign it, as in PyTorch). */
function checkLeafGrad(t: Tensor): void {
  const g: unknown = t.grad;
  if (t.gradFn || g === null) return;
  const shape = (g as Tensor | undefined)?.shape;
  if (!((g as Tensor | undefined)?.data instanceof Float32Array) || !Array.isArray(shape)) {
    throw new TypeError(`backward: a leaf's .grad must be a Tensor or null, got ${describe(g)}`);
  }
  if (!sameShape(shape, t.shape)) {
    throw new RangeError(`backward: a leaf of shape ${fmtShape(t.shape)} has a .grad of shape ${fmtShape(shape)}`);
  }
}

/** Tensors reachable from root, each after every tensor that uses it (iterative: no stack limit). */
function reverseTopological(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const next = inputs[i];
      if (next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}
