// The file wasmconv writes for the "save" case of tests/torch/data/io.bin (scripts/fixtures/io.py):
// the state_dict of a conv + BatchNorm2d network, from seeded values, with __metadata__.
// `npx tsx tests/io/wasmconv-file.ts` (re)writes tests/torch/data/io-wasmconv.safetensors, which is
// committed: tests/torch/io.test.ts checks that saving the same tensors gives the same bytes, and
// `npm run fixtures -- io` that they are what safetensors' save_file writes, that PyTorch reads
// them back into the same values, and that load_state_dict(strict=True) accepts them.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as wc from '../../src/index.js';
import { loadFixtures, tensorOf } from '../torch/fixtures.js';

export const WASMCONV_FILE = new URL('../torch/data/io-wasmconv.safetensors', import.meta.url);

/** The tensors and metadata of the save case, as wasmconv saves them. */
export function wasmconvFile(): { tensors: Record<string, wc.Tensor>; metadata: Record<string, string> } {
  const file = loadFixtures('io');
  const c = file.cases.find((k) => k.op === 'save')!;
  const tensors = Object.fromEntries(Object.entries(c.inputs).map(([name, r]) => [name, tensorOf(file, r)]));
  return { tensors, metadata: c.args.metadata as Record<string, string> };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await wc.init();
  const { tensors, metadata } = wasmconvFile();
  writeFileSync(WASMCONV_FILE, wc.saveSafetensors(tensors, metadata));
  console.log(`wrote ${fileURLToPath(WASMCONV_FILE)}`);
}
