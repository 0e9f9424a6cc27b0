// The bench scripts run themselves again, once, in a pinned environment:
// - --expose-gc, so that every timed run starts from a collected heap (bench/harness.ts);
// - glibc malloc's mmap threshold fixed. A big allocation (every op's new output tensor, TF.js's
//   dataSync copy) gets either fresh pages from mmap, each faulting on its first write, or reused
//   heap memory, by a threshold that glibc moves with the process's allocation history. On this
//   shared VM a fault costs ~1 µs per 4 KiB, so the same call flipped between two speeds with what
//   ran before it (case h forward: 0.49 or 0.95 ms, for wasmconv and TF.js alike). Fixed, every
//   runner allocates from reused memory.
import { spawnSync } from 'node:child_process';

const PINNED = { MALLOC_MMAP_THRESHOLD_: String(64 << 20), MALLOC_TRIM_THRESHOLD_: String(1 << 30) };

/** Runs this script again in the pinned environment and exits with its status, unless it runs there already. */
export function runPinned(): void {
  if (process.env.MALLOC_MMAP_THRESHOLD_ !== undefined) return;
  const execArgv = process.execArgv.includes('--expose-gc') ? process.execArgv : [...process.execArgv, '--expose-gc'];
  const { status } = spawnSync(process.execPath, [...execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...PINNED },
  });
  process.exit(status ?? 1);
}
