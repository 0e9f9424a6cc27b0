// The benchmark runner shared by every suite: a case is a small declarative object, the runner
// builds its inputs outside the timed function, times it with tinybench on each runner (a
// wasmconv backend, or another library: bench/peers.ts), and suites print markdown tables of
// medians. Every speed-up is the ratio of two medians of the same run, never of numbers from
// different runs.
import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import { Bench } from 'tinybench';
import * as wc from 'wasmconv';

/** Who runs a case: a column of the tables. */
export interface Runner {
  /** What `setup` receives, and the key of the results. */
  name: string;
  /** Makes this runner current: before a case's setup and again before its timed iterations. */
  activate(): void | Promise<void>;
}

/** The wasmconv backends as runners; the first is compared against the second. */
export const BACKENDS = ['wasm', 'js'] as const satisfies readonly wc.BackendName[];
export type Backend = (typeof BACKENDS)[number];
export const backendRunner = (backend: Backend): Runner => ({ name: backend, activate: () => wc.setBackend(backend) });

/** What a case's setup returns when a runner cannot run it (shown as n/a with the reason). */
export class Skip {
  constructor(readonly reason: string) {}
}

/**
 * A call to time, and its result after a call, as flat arrays in the layout of the case's
 * reference. A call that returns a promise (an asynchronous library: ONNX Runtime Web) is timed
 * until the promise settles.
 */
export interface Timed {
  run(): unknown;
  result(): Float32Array[];
}

export interface BenchCase {
  /** Shown in the table and matched by `--filter`. */
  name: string;
  /** Floating-point operations per call (a multiply-add counts 2), for the GFLOP/s column. */
  flops?: number;
  /** Builds the inputs (not timed) with `runner` active and returns the call to time, or a Skip. */
  setup(runner: string): Timed | Skip | Promise<Timed | Skip>;
  /**
   * What every runner's first call must give (Timed.result), computed untimed on the js backend
   * (or a naive reference): a fast wrong answer never reaches a table.
   */
  reference(): Float32Array[];
}

export interface RunOptions {
  /** A short smoke run: a few iterations per task instead of a second. */
  quick: boolean;
  /** Only the cases whose name contains this (case-insensitive). */
  filter?: string;
  /** Only these runners (by name); all when absent. */
  runners?: string[];
  /** `--threads n`: the wasm runner is timed again on n threads and on one (in child processes), with the speed-ups. */
  threads?: number;
}

/** Whether `--runners` (absent: all) lets runner `name` run. */
export const runnerSelected = (opts: RunOptions, name: string) => opts.runners === undefined || opts.runners.includes(name);

/** One case on one runner: the median of its samples, or why it did not run. */
export interface Timing {
  name: string;
  runner: string;
  medianMs?: number;
  samples?: number;
  flops?: number;
  skipped?: string;
}

/** What this process times: the plain SIMD build on one thread, unless it is a child timing another (ChildSpec). */
let build: wc.WasmBuild = 'simd';
let threads = 1;

/** Instantiates wasmconv once, with the build and thread count this process times. */
export async function initWasm(which: wc.WasmBuild = build, count = threads): Promise<void> {
  build = which;
  threads = count;
  await wc.init({ build, threads });
}

export function selectCases<C extends BenchCase>(cases: readonly C[], opts: RunOptions): C[] {
  const needle = opts.filter?.toLowerCase();
  return cases.filter((c) => needle === undefined || c.name.toLowerCase().includes(needle));
}

/**
 * Times every case on every runner, in this process. The runners of a case take turns: each is
 * set up once, then timed in ROUNDS short tinybench runs alternating with the others, and its
 * median is over all its samples; so a slow spell of the shared machine (other jobs come and go
 * within seconds) falls on every runner of the case alike instead of on whichever ran then.
 */
export async function measure(cases: readonly BenchCase[], runners: readonly Runner[], opts: RunOptions): Promise<Timing[]> {
  await initWasm();
  const out: Timing[] = [];
  for (const c of cases) {
    const tasks: Task[] = [];
    for (const r of runners.filter((r) => runnerSelected(opts, r.name))) {
      const task = await prepare(c, r, opts);
      if ('fn' in task) tasks.push(task);
      else out.push(task);
    }
    const rounds = opts.quick ? 2 : 5;
    for (let round = 0; round < rounds; round++) {
      for (const t of tasks) t.samples = t.samples.concat(await timeRound(t, round, rounds, opts));
    }
    out.push(
      ...tasks.map((t) => ({
        name: c.name,
        runner: t.runner.name,
        medianMs: median(t.samples),
        samples: t.samples.length,
        flops: c.flops,
      })),
    );
  }
  return out;
}

interface Task {
  runner: Runner;
  fn: () => unknown;
  /** Whether fn returns a promise. */
  async: boolean;
  /** The first call's time, which sizes the run. */
  pilotMs: number;
  samples: number[];
}

/**
 * Sets a case up on a runner and makes one call: it sizes the run, so that a call of seconds (the
 * plain-JS runners on the big cases) is timed a few times instead of the default 64, and one of
 * tens of seconds (TF.js cpu's filter gradient on the big cases) only this once, reported as one
 * sample. A Skip comes back as a Timing at once.
 */
async function prepare(c: BenchCase, runner: Runner, opts: RunOptions): Promise<Task | Timing> {
  const want = referenceOf(c);
  await runner.activate();
  const timed = await c.setup(runner.name);
  if (timed instanceof Skip) return { name: c.name, runner: runner.name, skipped: timed.reason, flops: c.flops };
  collectGarbage();
  const t0 = performance.now();
  const call = timed.run();
  await call;
  const pilotMs = performance.now() - t0;
  checkResult(c.name, runner.name, timed.result(), want);
  if (pilotMs > (opts.quick ? 300 : 3000)) return { name: c.name, runner: runner.name, medianMs: pilotMs, samples: 1, flops: c.flops };
  return { runner, fn: () => timed.run(), async: call instanceof Promise, pilotMs, samples: [] };
}

/** Each case's reference result, computed once per process. */
const references = new Map<string, Float32Array[]>();

function referenceOf(c: BenchCase): Float32Array[] {
  let want = references.get(c.name);
  if (!want) references.set(c.name, (want = c.reference()));
  return want;
}

/**
 * Stops the run when a runner's result is not the reference's within float32 rounding of sums in
 * another order: every entry within 1e-3 of the largest reference value (a wrong chunk, tile or
 * layout is off by the values themselves).
 */
export function checkResult(name: string, runner: string, got: Float32Array[], want: Float32Array[]): void {
  const fail = (why: string) => {
    throw new Error(`bench: ${name} on ${runner} does not compute what the reference does (${why}); nothing timed`);
  };
  if (got.length !== want.length) fail(`${got.length} results, expected ${want.length}`);
  want.forEach((w, k) => {
    const g = got[k];
    if (g.length !== w.length) fail(`result ${k} has ${g.length} values, expected ${w.length}`);
    let scale = 0;
    for (const v of w) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < w.length; i++) {
      if (!(Math.abs(g[i] - w[i]) <= 1e-3 * scale))
        fail(`result ${k} entry ${i}: ${g[i]}, reference ${w[i]}, largest reference value ${scale}`);
    }
  });
}

/** Runs `fn` on one of our backends (a reference), then restores the one that was active. */
export function onBackend<T>(backend: Backend, fn: () => T): T {
  const before = wc.getBackend();
  wc.setBackend(backend);
  try {
    return fn();
  } finally {
    wc.setBackend(before);
  }
}

/** A case of ours whose call `make` builds (untimed) on the active backend; the js backend gives the reference. */
export function ourCase(name: string, flops: number | undefined, make: () => Timed): BenchCase {
  return {
    name,
    flops,
    setup: make,
    reference: () =>
      onBackend('js', () => {
        const call = make();
        call.run();
        return call.result();
      }),
  };
}

/** A call of `fn`, its tensor kept for the check. */
export function timed(fn: () => wc.Tensor): Timed {
  let y: wc.Tensor | null = null;
  return { run: () => (y = fn()), result: () => [y!.data] };
}

/** One round of a task: its share of the ~1 s budget (of a few iterations when a call is slow). */
async function timeRound(t: Task, round: number, rounds: number, opts: RunOptions): Promise<number[]> {
  const slow = t.pilotMs > 50;
  const budget = opts.quick ? 50 : 1000;
  const minIterations = slow ? Math.max(opts.quick ? 2 : 3, Math.min(64, Math.ceil(2000 / t.pilotMs))) : 64;
  await t.runner.activate();
  collectGarbage();
  const bench = new Bench({
    throws: true,
    retainSamples: true,
    time: budget / rounds,
    iterations: Math.ceil(minIterations / rounds),
    warmup: !slow,
    warmupTime: round === 0 && !opts.quick ? 250 : 20,
    warmupIterations: 2,
  });
  // tinybench runs the hook right before the timed iterations, so the runner is certain. An async
  // call is declared: tinybench would tell by calling it once and not awaiting that call, which
  // would overlap the first timed one. A sync call is left to that check, whose untimed call has
  // always come before a slow round's samples
  bench.add(t.runner.name, t.fn, { async: t.async || undefined, beforeAll: () => t.runner.activate() });
  const [task] = await bench.run();
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`bench: ${task.name} did not complete (${result.state})`);
  return result.latency.samples ?? [];
}

/**
 * A full collection before every timed run (`npm run bench` passes --expose-gc), so that garbage
 * left by an earlier runner (TF.js cpu's seconds-long calls) is not collected on a later one's clock.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function median(xs: number[]): number {
  const s = Float64Array.from(xs).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const CHILD_MARK = '@@bench-timings ';

/**
 * What a child process times: the relaxed-SIMD build, a peer runner alone (`peer:<runner>`:
 * ONNX Runtime Web, whose WebAssembly instance slowed wasmconv's calls in the same process,
 * LeNet's inference from 8.8 to 14 ms at batch 256), or, for measureThreaded, the wasm backend
 * on n threads round by round as the parent asks (`rounds:<n>`).
 */
export type ChildSpec = 'relaxed-simd' | `peer:${string}` | `rounds:${number}`;

/**
 * Times the cases of `suite` (bench/index.ts SUITES) as `child` says (the relaxed build or a peer), in a
 * child process running this same entry with `--child <child> --suite <suite>` (one module
 * instance per process; Node 20 also needs --experimental-wasm-relaxed-simd for the relaxed
 * build). The timings come back under runner name `as` (a peer child's keep their own).
 */
export async function measureInChild(opts: RunOptions, child: ChildSpec, as: string, suite: string): Promise<Timing[]> {
  const flags = child === 'relaxed-simd' && !wc.relaxedSimdSupported() ? ['--experimental-wasm-relaxed-simd'] : [];
  const args = [...flags, ...process.execArgv, process.argv[1], '--child', child, '--suite', suite];
  if (opts.quick) args.push('--quick');
  if (opts.filter !== undefined) args.push('--filter', opts.filter);
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`bench: the ${child} child exited with ${code}`))));
  });
  const line = stdout.split('\n').find((l) => l.startsWith(CHILD_MARK));
  if (!line) throw new Error(`bench: the ${child} child printed no timings`);
  // the child's wasm runner is `as`; a threads child names its two runners itself
  return (JSON.parse(line.slice(CHILD_MARK.length)) as Timing[]).map((t) => (t.runner === 'wasm' ? { ...t, runner: as } : t));
}

/** The runner names of --threads: the wasm backend on n threads, on one, and on one in two processes at once. */
export const THREADED = 'wasm-threads';
export const ONE_THREAD = 'wasm-1-thread';
export const TWO_PROCESSES = 'wasm-1-thread-x2';

/**
 * Rounds of measureThreaded, each with its share of a runner's ~1 s: twice the other suites'
 * five, so that a slow spell of the shared machine (seconds long) falls on the 1- and the
 * n-thread process alike. With five, one run read e's backward at 0.88× while both 1-thread
 * processes timed together slowed to a ceiling of 1.38 (bench/README.md).
 */
const THREADED_ROUNDS = 10;

/**
 * `suite` timed on wasm on opts.threads threads and on one, each in a child process of its own
 * that inits once (a user's process: the 1-thread one has today's unshared memory, the n-thread
 * one keeps its workers warm), and the two take turns round by round, so that the speed-up is a
 * ratio of medians timed together: on a shared machine other jobs come and go within seconds.
 * Each round also times a second 1-thread child at the same time as the first (TWO_PROCESSES):
 * two processes that share nothing, whose throughput (2 × the 1-thread median ÷ their median)
 * is the most two threads could give at that moment. None without --threads (or when --runners
 * leaves wasm-threads out).
 */
export async function measureThreaded(opts: RunOptions, suite: string, cases: readonly BenchCase[]): Promise<Timing[]> {
  if (opts.threads === undefined || !runnerSelected(opts, THREADED)) return [];
  const one = new RoundsChild(opts, suite, 1);
  const many = new RoundsChild(opts, suite, opts.threads);
  const other = new RoundsChild(opts, suite, 1);
  const children = [one, many, other];
  try {
    const out: Timing[] = [];
    for (const c of cases) {
      const ready: Timing[] = [];
      for (const child of children) ready.push(await child.setup(c.name));
      const samples = ready.map((): number[] => []);
      if (ready.every((t) => t.medianMs === undefined && t.skipped === undefined)) {
        const rounds = opts.quick ? 2 : THREADED_ROUNDS;
        for (let round = 0; round < rounds; round++) {
          // each goes first in every other round, so that neither is always timed next to the pair
          for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) samples[k] = samples[k].concat(await [one, many][k].round(round, rounds));
          const [a, b] = await Promise.all([one.round(round, rounds), other.round(round, rounds)]);
          samples[2] = samples[2].concat(a, b);
        }
      }
      [ONE_THREAD, THREADED, TWO_PROCESSES].forEach((runner, k) => {
        const t = ready[k];
        out.push(samples[k].length > 0 ? { ...t, runner, medianMs: median(samples[k]), samples: samples[k].length } : { ...t, runner });
      });
    }
    return out;
  } finally {
    for (const child of children) child.end();
  }
}

/** What a rounds child sends back: a case set up (its timing when it was skipped or timed once), or a round's samples. */
type RoundsReply = { timing: Timing } | { samples: number[] } | { error: string };

/** A child process timing the wasm backend on n threads round by round (childMain's `rounds:<n>`), one request at a time. */
class RoundsChild {
  private readonly proc: ChildProcess;
  private pending: { resolve(r: RoundsReply): void; reject(e: Error): void } | null = null;

  constructor(opts: RunOptions, suite: string, threads: number) {
    const args = [...process.execArgv, process.argv[1], '--child', `rounds:${threads}`, '--suite', suite];
    if (opts.quick) args.push('--quick');
    this.proc = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (m: RoundsReply) => this.settle((p) => p.resolve(m)));
    this.proc.on('exit', (code) => this.settle((p) => p.reject(new Error(`bench: the rounds:${threads} child exited with ${code}`))));
  }

  /** Sets case `name` up; its Timing has no median unless it was skipped or timed once (a call over 3 s). */
  async setup(name: string): Promise<Timing> {
    const reply = await this.ask({ setup: name });
    if (!('timing' in reply)) throw new Error(`bench: a rounds child set ${name} up but sent no timing`);
    return reply.timing;
  }

  async round(round: number, rounds: number): Promise<number[]> {
    const reply = await this.ask({ round, rounds });
    if (!('samples' in reply)) throw new Error('bench: a rounds child sent no samples');
    return reply.samples;
  }

  end(): void {
    if (this.proc.connected) this.proc.disconnect();
  }

  private ask(request: RoundsRequest): Promise<RoundsReply> {
    return new Promise<RoundsReply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.proc.send(request);
    }).then((reply) => {
      if ('error' in reply) throw new Error(reply.error);
      return reply;
    });
  }

  private settle(how: (p: { resolve(r: RoundsReply): void; reject(e: Error): void }) => void): void {
    const p = this.pending;
    this.pending = null;
    if (p) how(p);
  }
}

type RoundsRequest = { setup: string } | { round: number; rounds: number };

/**
 * The child's side of RoundsChild: inits wasm once on `threads` threads and answers the parent's
 * requests in order (set a case up, time a round of it) until the parent disconnects.
 */
async function serveRounds(cases: readonly BenchCase[], threads: number, opts: RunOptions): Promise<void> {
  await initWasm('simd', threads);
  if (wc.threadCount() !== threads) throw new Error(`bench: asked for ${threads} threads but runs on ${wc.threadCount()}`);
  const runner = backendRunner('wasm');
  let task: Task | null = null;
  let queue = Promise.resolve();
  const answer = async (request: RoundsRequest): Promise<RoundsReply> => {
    if ('setup' in request) {
      const c = cases.find((k) => k.name === request.setup);
      if (!c) throw new Error(`bench: no case ${request.setup} in this suite`);
      const t = await prepare(c, runner, opts);
      task = 'fn' in t ? t : null;
      return { timing: 'fn' in t ? { name: c.name, runner: 'wasm', flops: c.flops } : t };
    }
    if (!task) throw new Error('bench: a round asked of a rounds child with no case set up');
    return { samples: await timeRound(task, request.round, request.rounds, opts) };
  };
  process.on('message', (request: RoundsRequest) => {
    queue = queue.then(async () => {
      const reply = await answer(request).catch((err: unknown) => ({ error: String(err instanceof Error ? (err.stack ?? err) : err) }));
      process.send!(reply);
    });
  });
}

/** The runner name of the relaxed-SIMD build's child. */
export const RELAXED = 'wasm-relaxed';

/**
 * Every child process of `suite` the options select: the relaxed-SIMD build, each peer runner
 * named in `peers` (timed alone, `peer:<name>`), and with --threads the 1- and n-thread ones of
 * measureThreaded, over `cases` (the suite's cases this run selected).
 */
export async function measureChildren(
  opts: RunOptions,
  suite: string,
  cases: readonly BenchCase[],
  peers: readonly string[],
): Promise<Timing[]> {
  const timings: Timing[] = [];
  if (runnerSelected(opts, RELAXED)) timings.push(...(await measureInChild(opts, 'relaxed-simd', RELAXED, suite)));
  for (const peer of peers.filter((p) => runnerSelected(opts, p)))
    timings.push(...(await measureInChild(opts, `peer:${peer}`, peer, suite)));
  timings.push(...(await measureThreaded(opts, suite, cases)));
  return timings;
}

/**
 * A child process's main: `cases` timed as `spec` says (ChildSpec), for measureInChild (printed
 * for the parent) or measureThreaded (round by round, over IPC).
 */
export async function childMain(spec: string, cases: readonly BenchCase[], opts: RunOptions, peers: readonly Runner[]): Promise<void> {
  const rounds = /^rounds:([1-9]\d*)$/.exec(spec)?.[1];
  if (rounds !== undefined) return serveRounds(cases, Number(rounds), opts);
  const peer = /^peer:(.+)$/.exec(spec)?.[1];
  let timings: Timing[];
  if (peer !== undefined) {
    const runner = peers.find((r) => r.name === peer);
    if (!runner) throw new Error(`bench: unknown peer ${peer} (${peers.map((r) => r.name).join(', ')})`);
    await initWasm('simd'); // the js reference each result is checked against runs on wasmconv
    timings = await measure(cases, [runner], opts);
  } else if (spec === 'relaxed-simd') {
    await initWasm('relaxed-simd');
    if (wc.wasmBuild() !== spec) throw new Error(`bench: child asked for ${spec} but runs ${wc.wasmBuild()}`);
    timings = await measure(cases, [backendRunner('wasm')], opts);
  } else {
    throw new Error(`bench: unknown --child ${spec} (relaxed-simd, peer:<runner> or rounds:<n>)`);
  }
  console.log(CHILD_MARK + JSON.stringify(timings));
}

/** Runs a simple suite on both backends and prints one table: median, GFLOP/s, wasm speed-up. */
export async function runCases(cases: readonly BenchCase[], opts: RunOptions): Promise<void> {
  const selected = selectCases(cases, opts);
  if (selected.length === 0) return;
  const timings = await measure(selected, BACKENDS.map(backendRunner), opts);
  const [fast, base] = BACKENDS;
  const header = ['case', 'backend', 'median', 'GFLOP/s', 'samples', `${fast} speed-up (${base} median / ${fast} median)`];
  const rows = timings.map((t) => {
    const other = timings.find((o) => o.name === t.name && o.runner === base);
    const speedup = t.runner === fast ? ratio(other, t) : '';
    return [t.name, t.runner, formatTime(t.medianMs), gflops(t), String(t.samples ?? ''), speedup === '' ? '' : `${speedup}×`];
  });
  console.log(markdownTable(header, rows));
}

/** The first lines of every report: what ran, where. */
export function environment(opts: RunOptions): string {
  const cpus = os.cpus();
  return [
    `wasmconv benchmarks${opts.quick ? ' (--quick: smoke run, numbers are rough)' : ''}`,
    `Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, wasm build: ${wc.wasmBuild()}`,
    '',
  ].join('\n');
}

export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return 'n/a';
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  return `${(ms * 1000).toPrecision(3)} µs`;
}

export function gflops(t: Timing | undefined): string {
  if (t?.medianMs === undefined || t.flops === undefined) return '';
  return (t.flops / (t.medianMs * 1e6)).toPrecision(3);
}

/** slow median ÷ fast median, two decimals ('' when either is missing). */
export function ratio(slow: Timing | undefined, fast: Timing | undefined): string {
  if (slow?.medianMs === undefined || fast?.medianMs === undefined) return '';
  return (slow.medianMs / fast.medianMs).toFixed(2);
}

/**
 * The speed-up two threads could give at most: two 1-thread processes at once finish two calls
 * in their median, one alone finishes one in its (measureThreaded), two decimals.
 */
export function ceiling(one: Timing | undefined, two: Timing | undefined): string {
  if (one?.medianMs === undefined || two?.medianMs === undefined) return '';
  return ((2 * one.medianMs) / two.medianMs).toFixed(2);
}

/** A markdown table with padded columns. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(fmt)].join('\n');
}
