// Safetensors files against PyTorch (tests/torch/data/io.bin and io-*.safetensors, written by
// scripts/fixtures/io.py as safetensors.torch.save_file writes them): every dtype read into
// exactly the float32 values torch's .float() gives (NaN where NaN, -0 where -0), shapes, the
// __metadata__; and the file wasmconv writes, byte for byte the committed io-wasmconv.safetensors
// (which the fixture script checks PyTorch reads back and load_state_dict(strict=True) accepts).
// Reading and writing run no kernels: one backend is enough.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { WASMCONV_FILE, wasmconvFile } from '../io/wasmconv-file.js';
import { type FixtureCase, type TensorRecord, loadFixtures, values } from './fixtures.js';
import { recordError, reportErrors } from './report.js';

const file = loadFixtures('io');

interface LoadCase extends FixtureCase {
  args: { file: string; metadata: Record<string, string> | null; dtypes: Record<string, string> };
  expected: Record<string, TensorRecord>;
}

const read = (name: string) => readFileSync(new URL(`./data/${name}`, import.meta.url));

/** Every value the same float32 as PyTorch's (Object.is: NaN equals NaN, -0 differs from 0). */
function expectExact(got: wc.Tensor, want: TensorRecord, what: string, dtype: string): void {
  expect([...got.shape], `${what}: shape`).toEqual(want.shape);
  const ref = values(file, want);
  let scale = 0;
  let worst = 0;
  ref.forEach((v, i) => {
    if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    if (!Object.is(got.data[i], v)) {
      worst = Math.max(worst, Number.isFinite(v) ? Math.abs(got.data[i] - v) : Infinity);
      expect.fail(`${what}: entry ${i} is ${got.data[i]}, PyTorch's ${v}`);
    }
  });
  recordError(`load ${dtype}`, 'any', scale > 0 ? worst / scale : worst);
}

beforeAll(() => wc.init());
afterAll(() => reportErrors('io'));

describe(`PyTorch ${file.torch} safetensors files`, () => {
  const loads = file.cases.filter((c) => c.op === 'load') as LoadCase[];
  it.each(loads.map((c) => [`${c.name} (${c.args.file})`, c] as const))('reads %s', (_, c) => {
    const bytes = read(c.args.file);
    const tensors = wc.loadSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(Object.keys(c.expected).sort());
    for (const [name, want] of Object.entries(c.expected)) expectExact(tensors[name], want, `${c.args.file} ${name}`, c.args.dtypes[name]);
    expect(wc.readSafetensorsMetadata(bytes)).toEqual(c.args.metadata);
    // an ArrayBuffer, and a Uint8Array that starts inside a larger buffer, read the same
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    for (const again of [wc.loadSafetensors(new Uint8Array(bytes).buffer), wc.loadSafetensors(shifted.subarray(3))]) {
      for (const [name, t] of Object.entries(tensors)) expect(Array.from(again[name].data), name).toEqual(Array.from(t.data));
    }
  });

  it('saves the state_dict of the save case as the committed io-wasmconv.safetensors, byte for byte', () => {
    const { tensors, metadata } = wasmconvFile();
    const committed = readFileSync(WASMCONV_FILE);
    expect(Buffer.from(wc.saveSafetensors(tensors, metadata)).equals(committed)).toBe(true);
    const back = wc.loadSafetensors(committed);
    expect(Object.keys(back)).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].shape, name).toEqual(t.shape);
      expect(Array.from(back[name].data), name).toEqual(Array.from(t.data));
    }
    expect(wc.readSafetensorsMetadata(committed)).toEqual(metadata);
  });
});
