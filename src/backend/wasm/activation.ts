import type { Activation, ActivationKernels } from '../types.js';
import { begin } from './runtime.js';

type Forward = (out: number, x: number, n: number) => void;
type Backward = (dx: number, saved: number, dy: number, n: number, accumulate: boolean) => void;
type Exports = Record<`${Activation}_f32`, Forward> & Record<`${Activation}_backward_f32`, Backward>;

export const activation: ActivationKernels = {
  activation(f, x) {
    const { arena, exports } = begin<Exports>(f);
    const p = arena.put(x, f);
    exports[`${f}_f32`](p, p, x.length); // in place: each value is read before it is written
    return arena.take(p, x.length);
  },
  activationBackward(f, saved, dy, dx, zeroed) {
    const { arena, exports } = begin<Exports>(f);
    const ps = arena.put(saved, f);
    const pdy = arena.put(dy, f);
    // a zeroed dx is written over dy's copy (each dy read before its dx is written), else added into
    const pdx = zeroed ? pdy : arena.put(dx, f);
    exports[`${f}_backward_f32`](pdx, ps, pdy, dx.length, !zeroed);
    arena.read(pdx, dx);
  },
};
