// Reads the PyTorch fixtures that scripts/torch-fixtures.py writes (its container is described in
// scripts/fixtures/common.py): regenerates the seeded inputs, and compares what wasmconv computes
// with what PyTorch computed, entry by entry where the fixture holds every value, else on the
// stored samples and the probe (a dot product with a fixed pseudo-random vector, which sees
// every entry). Every comparison also records its error per op and backend, so that the suite
// can print the worst error against PyTorch of each op (tests/torch/report.ts).
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as wc from '../../src/index.js';
import { randomData } from '../helpers.js';
import { recordError } from './report.js';

/** A tensor of a fixture (see scripts/fixtures/common.py). */
export interface TensorRecord {
  shape: number[];
  full?: [number, number];
  gen?: [number, number, number];
  sample?: [number, number];
  probe?: [number, number];
}

export interface FixtureCase {
  op: string;
  name: string;
  args: Record<string, unknown>;
  inputs: Record<string, TensorRecord>;
  out?: TensorRecord;
  dy?: TensorRecord;
  grads?: Record<string, TensorRecord>;
  /** Training runs: each step's loss, the final parameters by name, the run's sensitivity. */
  losses?: TensorRecord;
  final?: Record<string, TensorRecord>;
  sensitivity?: number;
  /** Network runs: the eval-mode logits of a held-out batch after training. */
  logits?: TensorRecord;
  tol?: number;
}

export interface FixtureFile {
  family: string;
  torch: string;
  python: string;
  cases: FixtureCase[];
  /** The values a record points into. */
  blob: Float32Array;
}

const SAMPLES = 1024;
const PROBE_SEED = 99991;

/** Reads tests/torch/data/<family>.bin. */
export function loadFixtures(family: string): FixtureFile {
  const bytes = readFileSync(new URL(`./data/${family}.bin`, import.meta.url));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Omit<FixtureFile, 'blob'> & {
    format: number;
  };
  if (header.format !== 1) throw new Error(`fixtures ${family}: format ${header.format}, expected 1 (rerun npm run fixtures)`);
  const start = 8 + headerLength;
  const blob = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.byteLength));
  return { ...header, blob };
}

/** Float32 values u·(hi − lo) + lo of the LCG of randomData (u = state / 2^32): the fixtures' seeded inputs. */
export function generate(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  if (lo === -1 && hi === 1) return randomData(n, seed);
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * (hi - lo) + lo;
  }
  return out;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The values of an input record (stored, or regenerated from its seed). */
export function values(file: FixtureFile, r: TensorRecord): Float32Array {
  if (r.full) return file.blob.subarray(r.full[0], r.full[0] + r.full[1]);
  if (r.gen) return generate(sizeOf(r.shape), ...r.gen);
  throw new Error('fixtures: a result record (samples and probe) has no values to read');
}

/** A tensor made from an input record. */
export function tensorOf(file: FixtureFile, r: TensorRecord, requiresGrad = false): wc.Tensor {
  return wc.tensor(values(file, r).slice(), r.shape, { requiresGrad });
}

/** The stratified positions of a big result's samples (scripts/fixtures/common.py sample_indices). */
function sampleIndices(n: number): number[] {
  return Array.from({ length: SAMPLES }, (_, j) => {
    const start = Math.floor((j * n) / SAMPLES);
    const width = Math.max(1, Math.floor(((j + 1) * n) / SAMPLES) - start);
    return start + ((Math.imul(j, 2654435761 | 0) >>> 0) % width);
  });
}

const probes = new Map<number, Float32Array>();
function probeVector(n: number): Float32Array {
  let r = probes.get(n);
  if (!r) probes.set(n, (r = randomData(n, PROBE_SEED)));
  return r;
}

export interface Tolerance {
  /** |ours − torch| ≤ atol · max|torch| + rtol · |torch| entry by entry. */
  atol: number;
  rtol: number;
}

/**
 * Expects `actual` to be PyTorch's `want` within `tol`, and records the relative error
 * max|ours − torch| / max|torch| (over the stored entries, and the probe's) under `op`.
 */
export function expectMatches(
  file: FixtureFile,
  want: TensorRecord,
  actual: wc.Tensor | null,
  tol: Tolerance,
  op: string,
  what: string,
): void {
  expect(actual, `${what}: wasmconv gave no tensor`).not.toBeNull();
  const got = actual!;
  expect([...got.shape], `${what}: shape`).toEqual(want.shape);
  const stored = want.full ?? want.sample!;
  const ref = file.blob.subarray(stored[0], stored[0] + stored[1]);
  const ours = want.full ? got.data : Float32Array.from(sampleIndices(got.size), (i) => got.data[i]);
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let bad = -1;
  for (let i = 0; i < ref.length; i++) {
    const diff = Math.abs(ours[i] - ref[i]);
    if (!(diff <= tol.atol * scale + tol.rtol * Math.abs(ref[i])) && bad < 0) bad = i;
    if (!(diff <= worst)) worst = diff; // NaN wins
  }
  let rel = scale > 0 ? worst / scale : worst;
  if (want.probe) {
    const r = probeVector(got.size);
    let dot = 0;
    for (let i = 0; i < got.size; i++) dot += got.data[i] * r[i];
    const [torchDot, probeScale] = want.probe;
    const probeRel = Math.abs(dot - torchDot) / (probeScale || 1);
    rel = Math.max(rel, Number.isNaN(probeRel) ? Infinity : probeRel);
    expect(
      probeRel,
      `${what}: probe (a dot product over all ${got.size} entries) ${dot} vs PyTorch's ${torchDot}, relative error`,
    ).toBeLessThanOrEqual(tol.atol + tol.rtol);
  }
  recordError(op, wc.getBackend(), rel);
  if (bad >= 0) {
    const index = want.full ? bad : sampleIndices(got.size)[bad];
    expect.fail(
      `${what}: entry ${index} is ${ours[bad]}, PyTorch's ${ref[bad]} (atol ${tol.atol}·${scale}, rtol ${tol.rtol}; worst relative error ${rel.toExponential(2)})`,
    );
  }
}
