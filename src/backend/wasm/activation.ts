// The activations on WebAssembly (assembly/activation.ts): each map and gradient runs over element
// ranges (runtime.ts elementJob): on the thread pool inside a fused convolution's session
// (./fused.ts); standalone, on the caller's thread even with threads, being memory-bound
// (runtime.ts onThreads).
import type { Activation, ActivationKernels } from '../types.js';
import { begin, elementJob, type Session } from './runtime.js';

type Forward = (out: number, x: number, first: number, end: number) => void;
type Backward = (dx: number, saved: number, dy: number, accumulate: number, first: number, end: number) => void;
export type ActivationExports = Record<`${Activation}_f32`, Forward> & Record<`${Activation}_backward_f32`, Backward>;

/**
 * The work of a forward per element, for the pool's dispatch threshold: relu moves two floats;
 * the others' exp, log or division costs about ten moved floats' time.
 */
const forwardWork = (f: Activation) => (f === 'relu' ? 2 : 10);

/** f applied in place to the n floats at `p` of the session (each value read before it is written). */
export function activationInSession(s: Session<ActivationExports>, f: Activation, p: number, n: number): void {
  s.run(elementJob(s.exports[`${f}_f32`], [p, p], n, forwardWork(f) * n));
}

/**
 * dx (+)= f's gradient for dy at `pdy`, from what f's backward reads at `psaved`
 * (ActivationKernels.activationBackward); dx at `pdx` may be dy's buffer (each dy read before its
 * dx is written) when it is written, not added into.
 */
function gradientAt(
  s: Session<ActivationExports>,
  f: Activation,
  pdx: number,
  psaved: number,
  pdy: number,
  n: number,
  accumulate: boolean,
): void {
  s.run(elementJob(s.exports[`${f}_backward_f32`], [pdx, psaved, pdy, +accumulate], n, (accumulate ? 4 : 3) * n));
}

/** dy at `pdy` becomes dx = f's gradient for it, in place, from what f's backward reads at `psaved`. */
export function activationBackwardInSession(s: Session<ActivationExports>, f: Activation, psaved: number, pdy: number, n: number): void {
  gradientAt(s, f, pdy, psaved, pdy, n, false);
}

export const activation: ActivationKernels = {
  activation(f, x) {
    const s = begin<ActivationExports>(f);
    const p = s.arena.put(x, f);
    activationInSession(s, f, p, x.length);
    return s.arena.take(p, x.length);
  },
  activationBackward(f, saved, dy, dx, zeroed) {
    const s = begin<ActivationExports>(f);
    const ps = s.arena.put(saved, f);
    const pdy = s.arena.put(dy, f);
    // a zeroed dx is written over dy's copy (each dy read before its dx is written), else added into
    const pdx = zeroed ? pdy : s.arena.put(dx, f);
    gradientAt(s, f, pdx, ps, pdy, dx.length, !zeroed);
    s.arena.read(pdx, dx);
  },
};
