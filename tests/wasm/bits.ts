// Helpers of the thread suites: the same bits on every thread count.
import { expect } from 'vitest';
import * as wc from '../../src/index.js';

/** The same bits, not just close: -0 and +0, every NaN payload aside, are told apart. */
export function expectSameBits(got: Float32Array[], want: Float32Array[], what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    const a = new Uint32Array(g.buffer, g.byteOffset, g.length);
    const b = new Uint32Array(want[i].buffer, want[i].byteOffset, want[i].length);
    expect(a.length, `${what}: result ${i} has ${a.length} values, expected ${b.length}`).toBe(b.length);
    const at = a.findIndex((v, j) => v !== b[j]);
    expect(at, `${what}: result ${i} differs at entry ${at} (${g[at]} vs ${want[i][at]})`).toBe(-1);
  });
}

/** Runs `compute` on 1, 2 and 3 threads and expects the same bits from each. */
export async function onEachThreadCount(compute: () => Float32Array[][], what: string): Promise<void> {
  await wc.init({ threads: 1 });
  const want = compute();
  for (const threads of [2, 3]) {
    await wc.init({ threads });
    expect(wc.threadCount()).toBe(threads);
    compute().forEach((r, i) => expectSameBits(r, want[i], `${what}, case ${i}, ${threads} threads`));
  }
}
