import type { Activation, ActivationKernels } from '../types.js';
import { begin, type Session } from './runtime.js';

type Forward = (out: number, x: number, n: number) => void;
type Backward = (dx: number, saved: number, dy: number, n: number, accumulate: boolean) => void;
export type ActivationExports = Record<`${Activation}_f32`, Forward> & Record<`${Activation}_backward_f32`, Backward>;

/** f applied in place to the n floats at `p` of the session (each value read before it is written). */
export function activationInSession(s: Session<ActivationExports>, f: Activation, p: number, n: number): void {
  s.exports[`${f}_f32`](p, p, n);
}

/**
 * dy at `pdy` becomes dx = f's gradient for it (in place: each dy read before its dx is written),
 * from what f's backward reads at `psaved` (ActivationKernels.activationBackward).
 */
export function activationBackwardInSession(s: Session<ActivationExports>, f: Activation, psaved: number, pdy: number, n: number): void {
  s.exports[`${f}_backward_f32`](pdy, psaved, pdy, n, false);
}

export const activation: ActivationKernels = {
  activation(f, x) {
    const s = begin<ActivationExports>(f);
    const p = s.arena.put(x, f);
    activationInSession(s, f, p, x.length);
    return s.arena.take(p, x.length);
  },
  activationBackward(f, saved, dy, dx, zeroed) {
    const { arena, exports } = begin<ActivationExports>(f);
    const ps = arena.put(saved, f);
    const pdy = arena.put(dy, f);
    // a zeroed dx is written over dy's copy (each dy read before its dx is written), else added into
    const pdx = zeroed ? pdy : arena.put(dx, f);
    exports[`${f}_backward_f32`](pdx, ps, pdy, dx.length, !zeroed);
    arena.read(pdx, dx);
  },
};
