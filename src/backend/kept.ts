// What a fused layer's forward keeps for its backward (types.ts Kept) when it lives in arrays: the
// js backend's, and the wasm backend's past its bound for kept blocks (src/wasm/arena.ts).
import { release } from '../buffers.js';
import type { Kept } from './types.js';

/** What a forward keeps, in arrays of src/buffers.ts (given back to it on release). */
export class KeptArrays implements Kept {
  constructor(
    private readonly saved: Float32Array,
    private readonly indices: Int32Array | null,
  ) {}

  activation(): Float32Array {
    return this.saved;
  }

  argmax(): Int32Array | null {
    return this.indices;
  }

  release(): void {
    release(this.saved);
    if (this.indices) release(this.indices);
  }
}

/** `saved` as the activation's output: the forward's own output, or what it kept. */
export const activationOf = (saved: Kept | Float32Array) => (saved instanceof Float32Array ? saved : saved.activation());
