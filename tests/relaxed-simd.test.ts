// The relaxed-SIMD build (f32x4.relaxed_madd) against the plain SIMD build: the same convolutions,
// forward and backward, and matmuls, within float32 rounding (a fused multiply-add rounds once
// where mul + add rounds twice). A process runs one build, so each build runs in a child Node on
// the built package (dist/, made by `npm run build`, which `npm test` runs first); Node 20 needs
// --experimental-wasm-relaxed-simd for the relaxed one, newer engines have it on.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { relaxedSimdSupported } from '../src/index.js';
import { expectClose } from './helpers.js';

const dist = new URL('../dist/index.js', import.meta.url);
const FLAG = '--experimental-wasm-relaxed-simd';

/** Forward output and the x, w, b gradients of seeded convolutions, and matmuls with their gradients. */
const CHILD = `
import * as wc from ${JSON.stringify(dist.href)};
await wc.init({ build: process.argv[1] });
const convs = [
  { x: [1, 8, 12, 16], w: [12, 8, 3, 3], opts: { padding: 1 } },
  { x: [2, 5, 14, 13], w: [7, 5, 3, 3], opts: { stride: 2, padding: 1 } },
  { x: [3, 6, 14, 14], w: [16, 6, 5, 5], opts: {} },
  { x: [1, 6, 11, 11], w: [9, 2, 3, 3], opts: { groups: 3, dilation: 2, padding: 2 } },
  { x: [1, 16, 9, 10], w: [20, 16, 1, 1], opts: {} },
];
const out = { build: wc.wasmBuild(), results: [] };
convs.forEach((c, i) => {
  const x = wc.randn(c.x, { seed: 10 * i + 1, requiresGrad: true });
  const w = wc.randn(c.w, { seed: 10 * i + 2, requiresGrad: true });
  const b = wc.randn([c.w[0]], { seed: 10 * i + 3, requiresGrad: true });
  const y = wc.conv2d(x, w, b, c.opts);
  y.backward(wc.randn([...y.shape], { seed: 10 * i + 4 }));
  out.results.push(...[y.data, x.grad.data, w.grad.data, b.grad.data].map((a) => Array.from(a)));
});
const a = wc.randn([37, 70], { seed: 5, requiresGrad: true });
const m = wc.randn([70, 29], { seed: 6, requiresGrad: true });
const p = wc.matmul(a, m);
p.sum().backward();
out.results.push(...[p.data, a.grad.data, m.grad.data].map((v) => Array.from(v)));
console.log(JSON.stringify(out));
`;

interface ChildOutput {
  build: string;
  results: number[][];
}

function run(build: 'simd' | 'relaxed-simd', flags: string[]): ChildOutput {
  const stdout = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', CHILD, build], { encoding: 'utf8' });
  return JSON.parse(stdout) as ChildOutput;
}

/** The Node flags that give this Node relaxed SIMD, or null when it has none. */
function relaxedFlags(): string[] | null {
  if (relaxedSimdSupported()) return [];
  const probe =
    'process.exit(WebAssembly.validate(new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,123,3,2,1,0,10,61,1,59,0,' +
    '253,12,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,253,12,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,253,12,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,253,133,2,11])) ? 0 : 1)';
  try {
    execFileSync(process.execPath, [FLAG, '-e', probe], { stdio: 'ignore' });
    return [FLAG];
  } catch {
    return null;
  }
}

const flags = relaxedFlags();

describe('relaxed-SIMD build', () => {
  it.skipIf(flags === null)(
    `computes conv2d (forward, dX, dW, db) and matmul like the plain SIMD build within float32 rounding${flags === null ? ` (skipped: this Node has no relaxed SIMD, not even with ${FLAG})` : ''}`,
    () => {
      if (!existsSync(fileURLToPath(dist)))
        throw new Error('tests/relaxed-simd.test.ts needs the built package: run `npm run build` (npm test does)');
      const plain = run('simd', []);
      const relaxed = run('relaxed-simd', flags!);
      expect(plain.build).toBe('simd');
      expect(relaxed.build).toBe('relaxed-simd');
      expect(relaxed.results.length).toBe(plain.results.length);
      relaxed.results.forEach((values, i) => {
        const scale = Math.max(1, ...plain.results[i].map(Math.abs));
        expectClose(values, plain.results[i], 1e-5 * scale, 1e-4);
      });
    },
  );
});
