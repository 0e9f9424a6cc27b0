// The worst error against PyTorch of each op on each backend, collected while a fixture suite
// runs and written, when it ends, to test-results/torch/<family>.json and printed as a table:
// the numbers the closing note of a change quotes.
import { mkdirSync, writeFileSync } from 'node:fs';

interface Worst {
  cases: number;
  worst: number;
}

const errors = new Map<string, Worst>();

/** Records one comparison's relative error max|ours − torch| / max|torch| under op and backend. */
export function recordError(op: string, backend: string, rel: number): void {
  const key = `${op}\t${backend}`;
  const w = errors.get(key) ?? { cases: 0, worst: 0 };
  w.cases++;
  if (!(rel <= w.worst)) w.worst = rel;
  errors.set(key, w);
}

/** Writes and prints what was recorded (call once, in the suite's afterAll). */
export function reportErrors(family: string): void {
  const rows = [...errors.entries()].map(([key, w]) => {
    const [op, backend] = key.split('\t');
    return { op, backend, comparisons: w.cases, worst: w.worst };
  });
  rows.sort((a, b) => a.op.localeCompare(b.op) || a.backend.localeCompare(b.backend));
  mkdirSync(new URL('../../test-results/torch/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`../../test-results/torch/${family}.json`, import.meta.url), JSON.stringify(rows, null, 1));
  const lines = rows.map(
    (r) => `  ${r.op.padEnd(22)} ${r.backend.padEnd(5)} ${String(r.comparisons).padStart(5)}  ${r.worst.toExponential(2)}`,
  );
  console.log(`worst error against PyTorch (${family}): op, backend, comparisons, max|ours − torch| / max|torch|\n${lines.join('\n')}`);
}
