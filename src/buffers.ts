// Arrays reused for data no user ever holds: the gradients autograd hands from op to op during a
// backward, and what an op keeps for its backward (a fused layer's activation, max pooling's
// argmax). A new large typed array costs its pages' first touch, which is dear where the memory
// comes fresh from the system each time: measured here, 1 to 20 µs per 4 KiB page in Node on a VM
// (a training step's 8 MB of such arrays: 2 to 40 ms), and 7 ms for a new 1.2 MB Float32Array in
// Chromium, against next to nothing for an array that was used before. A training step asks for
// the same sizes step after step, so a pool of freed arrays by size serves it from warm memory.
// Users never see these arrays, so reusing them changes nothing they can observe.

/** Pooled bytes at most: freeing more lets the surplus go to the garbage collector. */
const MAX_POOLED_BYTES = 256 << 20;

const free = new Map<number, ArrayBuffer[]>();
/** The buffers this pool made: only those may come back. */
const owned = new WeakSet<ArrayBuffer>();
let pooledBytes = 0;

/** A pooled buffer of `bytes`, or a new one, which is all zeros (`fresh`). */
function take(bytes: number): { buffer: ArrayBuffer; fresh: boolean } {
  const list = free.get(bytes);
  const reused = list?.pop();
  if (reused) {
    pooledBytes -= bytes;
    return { buffer: reused, fresh: false };
  }
  const made = new ArrayBuffer(bytes);
  owned.add(made);
  return { buffer: made, fresh: true };
}

/**
 * A Float32Array of n floats, zero-filled when `zeroed` (else of any content: the caller writes
 * all of it). A new buffer is zeros already: filling it again cost a backward of case f (a
 * 6.4 MB input gradient, made anew whenever `x.grad` was reset) ~0.2 ms.
 */
export function pooledFloats(n: number, zeroed: boolean): Float32Array {
  const { buffer, fresh } = take(n * 4);
  const a = new Float32Array(buffer);
  if (zeroed && !fresh) a.fill(0);
  return a;
}

/** An Int32Array of n entries, of any content (the caller writes all of it). */
export function pooledInts(n: number): Int32Array {
  return new Int32Array(take(n * 4).buffer);
}

/** Gives an array made by pooledFloats or pooledInts back, once nothing reads it any more. */
export function release(a: Float32Array | Int32Array): void {
  const buffer = a.buffer;
  if (!(buffer instanceof ArrayBuffer) || !owned.has(buffer) || a.byteOffset !== 0 || a.byteLength !== buffer.byteLength) return;
  if (pooledBytes + buffer.byteLength > MAX_POOLED_BYTES) return;
  let list = free.get(buffer.byteLength);
  if (!list) free.set(buffer.byteLength, (list = []));
  if (list.includes(buffer)) return; // already given back
  list.push(buffer);
  pooledBytes += buffer.byteLength;
}
