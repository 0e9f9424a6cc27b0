// The benchmark runner shared by every suite: a case is a small declarative object, the runner
// builds its inputs outside the timed function, times it on each backend with tinybench, and
// prints one markdown table of medians. Every speed-up is the ratio of two medians of the same
// run, never of numbers from different runs.
import os from 'node:os';
import { Bench } from 'tinybench';
import * as wc from 'wasmconv';

/** The backends every case runs on; the first is compared against the second. */
export const BACKENDS = ['wasm', 'js'] as const satisfies readonly wc.BackendName[];
export type Backend = (typeof BACKENDS)[number];

export interface BenchCase {
  /** Shown in the table and matched by `--filter`. */
  name: string;
  /** Floating-point operations per call (a multiply-add counts 2), for the GFLOP/s column. */
  flops?: number;
  /** Builds the inputs (not timed) with `backend` active and returns the call to time. */
  setup(backend: Backend): () => unknown;
}

export interface RunOptions {
  /** A short smoke run: a few iterations per task instead of a second. */
  quick: boolean;
  /** Only the cases whose name contains this (case-insensitive). */
  filter?: string;
}

interface Row {
  name: string;
  backend: Backend;
  medianMs: number;
  samples: number;
  flops?: number;
}

/** Runs every selected case on every backend and prints the table. */
export async function runCases(cases: readonly BenchCase[], opts: RunOptions): Promise<void> {
  await wc.init();
  const needle = opts.filter?.toLowerCase();
  const selected = cases.filter((c) => needle === undefined || c.name.toLowerCase().includes(needle));
  if (selected.length === 0) throw new Error(`bench: no case matches --filter ${JSON.stringify(opts.filter)}`);
  console.log(environment(opts));
  const rows: Row[] = [];
  for (const c of selected) {
    for (const backend of BACKENDS) rows.push(await timeCase(c, backend, opts));
  }
  console.log(table(rows));
}

async function timeCase(c: BenchCase, backend: Backend, opts: RunOptions): Promise<Row> {
  wc.setBackend(backend);
  const fn = c.setup(backend);
  const bench = new Bench({
    throws: true,
    ...(opts.quick ? { time: 50, iterations: 5, warmupTime: 10, warmupIterations: 2 } : { time: 1000, warmupTime: 250 }),
  });
  // tinybench runs the hook right before the timed iterations, so the backend is certain
  bench.add(`${c.name} [${backend}]`, fn, { beforeAll: () => wc.setBackend(backend) });
  const [task] = await bench.run();
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`bench: ${task.name} did not complete (${result.state})`);
  return { name: c.name, backend, medianMs: result.latency.p50, samples: result.latency.samplesCount, flops: c.flops };
}

function environment(opts: RunOptions): string {
  const cpus = os.cpus();
  return [
    `wasmconv benchmarks${opts.quick ? ' (--quick: smoke run, numbers are rough)' : ''}`,
    `Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, wasm build: ${wc.wasmBuild()}`,
    '',
  ].join('\n');
}

function formatTime(ms: number): string {
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  return `${(ms * 1000).toPrecision(3)} µs`;
}

/** Markdown: one row per case and backend; the speed-up sits on the first backend's row. */
function table(rows: Row[]): string {
  const [fast, base] = BACKENDS;
  const header = ['case', 'backend', 'median', 'GFLOP/s', 'samples', `${fast} speed-up (${base} median / ${fast} median)`];
  const lines = rows.map((r) => {
    const gflops = r.flops === undefined ? '' : (r.flops / (r.medianMs * 1e6)).toPrecision(3);
    const other = rows.find((o) => o.name === r.name && o.backend === base);
    const speedup = r.backend === fast && other ? `${(other.medianMs / r.medianMs).toFixed(2)}×` : '';
    return [r.name, r.backend, formatTime(r.medianMs), gflops, String(r.samples), speedup];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}
