// The ReducePlan (src/backend/types.ts) of a reduction of a contiguous tensor over some of its
// dims. Neighbouring dims of one kind (kept or reduced) merge into one (size-1 dims drop out:
// either kind reads them alike), so x is an alternation of kept and reduced blocks. The last
// block is the contiguous run every value sums (reduced) or the row every unit spans (kept); the
// offset of a position is the sum of its blocks' index · stride, so each unit's reads split into
// a base from the kept blocks plus an offset from the reduced ones.
import type { ReducePlan } from './types.js';

interface Block {
  size: number;
  reduced: boolean;
  stride: number;
}

/** The plan of reducing x of `shape` over the dims where `reduced` is true. */
export function reducePlan(shape: readonly number[], reduced: readonly boolean[]): ReducePlan {
  const blocks: Block[] = [];
  shape.forEach((size, d) => {
    if (size === 1) return;
    const last = blocks[blocks.length - 1];
    if (last?.reduced === reduced[d]) last.size *= size;
    else blocks.push({ size, reduced: reduced[d], stride: 0 });
  });
  const innermost = blocks.pop() ?? { size: 1, reduced: true, stride: 1 };
  let stride = innermost.size;
  for (let i = blocks.length - 1; i >= 0; i--) {
    blocks[i].stride = stride;
    stride *= blocks[i].size;
  }
  return {
    bases: positions(blocks.filter((b) => !b.reduced)),
    offsets: positions(blocks.filter((b) => b.reduced)),
    run: innermost.reduced ? innermost.size : 1,
    width: innermost.reduced ? 1 : innermost.size,
  };
}

/** The plan of summing the rows of a [rows, width] matrix (a bias broadcast over rows is its adjoint). */
export function rowsPlan(rows: number, width: number): ReducePlan {
  return reducePlan([rows, width], [true, false]);
}

/** The offsets of every index of `blocks` in row-major order (one 0 when there are none). */
function positions(blocks: readonly Block[]): Int32Array {
  let out = new Int32Array(1);
  for (const { size, stride } of blocks) {
    const next = new Int32Array(out.length * size);
    for (let i = 0; i < out.length; i++) for (let j = 0; j < size; j++) next[i * size + j] = out[i] + j * stride;
    out = next;
  }
  return out;
}
