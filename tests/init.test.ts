// init(): idempotent, one instantiation for concurrent callers, opts.wasm as bytes / Module / URL,
// clear rejections for bad options and bad modules, and a failed attempt that can be retried.
// Each test loads a fresh copy of the library (vi.resetModules) so that it starts uninitialised.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

type Wc = typeof import('../src/index.js');

async function freshLibrary(): Promise<Wc> {
  vi.resetModules();
  return import('../src/index.js');
}

const releaseUrl = new URL('../build/release.wasm', import.meta.url);
const releaseBytes = () => new Uint8Array(readFileSync(releaseUrl));

/** The notebook's first cell, proving the instance computes. */
function expectNotebookCorr2d(wc: Wc): void {
  for (const backend of ['wasm', 'js'] as const) {
    wc.setBackend(backend);
    expect(wc.corr2d(wc.arange(9).reshape(3, 3), wc.arange(4).reshape(2, 2)).toArray()).toEqual([
      [19, 25],
      [37, 43],
    ]);
  }
  wc.setBackend('wasm');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('init() lifecycle', () => {
  it('resolves, and the ops work on both backends', async () => {
    const wc = await freshLibrary();
    await wc.init();
    expectNotebookCorr2d(wc);
  });

  it('is idempotent: a later call resolves without instantiating again', async () => {
    const wc = await freshLibrary();
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    await wc.init();
    await wc.init();
    await wc.init({ build: 'simd' }); // options of later calls are ignored once initialised
    expect(instantiate).toHaveBeenCalledTimes(1);
    expectNotebookCorr2d(wc);
  });

  it('shares one instantiation among concurrent callers', async () => {
    const wc = await freshLibrary();
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    const calls = [wc.init(), wc.init(), wc.init()];
    expect(calls[1]).toBe(calls[0]);
    expect(calls[2]).toBe(calls[0]);
    await Promise.all(calls);
    expect(instantiate).toHaveBeenCalledTimes(1);
  });

  it("picks the relaxed-SIMD build exactly where the engine supports it ('auto')", async () => {
    const wc = await freshLibrary();
    await wc.init();
    expect(wc.wasmBuild()).toBe(wc.relaxedSimdSupported() ? 'relaxed-simd' : 'simd');
  });

  it("runs the plain SIMD build when asked with build: 'simd'", async () => {
    const wc = await freshLibrary();
    await wc.init({ build: 'simd' });
    expect(wc.wasmBuild()).toBe('simd');
    expectNotebookCorr2d(wc);
  });

  it("build: 'relaxed-simd' loads where supported and is refused with a RangeError elsewhere", async () => {
    const wc = await freshLibrary();
    if (wc.relaxedSimdSupported()) {
      await wc.init({ build: 'relaxed-simd' });
      expect(wc.wasmBuild()).toBe('relaxed-simd');
    } else {
      await expect(wc.init({ build: 'relaxed-simd' })).rejects.toThrowError(RangeError);
      await expect(wc.init({ build: 'relaxed-simd' })).rejects.toThrowError(/^init: /);
      await wc.init(); // and the refusal left init() usable
      expect(wc.wasmBuild()).toBe('simd');
    }
  });
});

describe('init({ wasm }) overrides the embedded module', () => {
  it('accepts the module bytes as a Uint8Array', async () => {
    const wc = await freshLibrary();
    await wc.init({ wasm: releaseBytes() });
    expect(wc.wasmBuild()).toBe('custom');
    expectNotebookCorr2d(wc);
  });

  it('accepts the module bytes as an ArrayBuffer', async () => {
    const wc = await freshLibrary();
    await wc.init({ wasm: releaseBytes().buffer });
    expectNotebookCorr2d(wc);
  });

  it('accepts a compiled WebAssembly.Module', async () => {
    const wc = await freshLibrary();
    await wc.init({ wasm: await WebAssembly.compile(releaseBytes()) });
    expect(wc.wasmBuild()).toBe('custom');
    expectNotebookCorr2d(wc);
  });

  it('accepts a file: URL object', async () => {
    const wc = await freshLibrary();
    await wc.init({ wasm: releaseUrl });
    expectNotebookCorr2d(wc);
  });

  it('accepts a file: URL string', async () => {
    const wc = await freshLibrary();
    await wc.init({ wasm: releaseUrl.href });
    expectNotebookCorr2d(wc);
  });
});

describe('init() misuse', () => {
  it.each([
    ['a number', 42],
    ['a plain object', {}],
    ['an array', [0, 97, 115, 109]],
    ['a relative path (no page to resolve it against in Node)', 'build/release.wasm'],
  ])('rejects opts.wasm given as %s with a TypeError starting "init:"', async (_, wasm) => {
    const wc = await freshLibrary();
    const attempt = wc.init({ wasm: wasm as never });
    await expect(attempt).rejects.toThrowError(TypeError);
    await expect(attempt).rejects.toThrowError(/^init: /);
  });

  it.each([
    ['null', null],
    ['a string', 'wasm'],
    ['a number', 1],
  ])('rejects options given as %s with a TypeError', async (_, opts) => {
    const wc = await freshLibrary();
    await expect(wc.init(opts as never)).rejects.toThrowError(/^init: expected an options object/);
  });

  it('rejects an unknown build name with a TypeError', async () => {
    const wc = await freshLibrary();
    await expect(wc.init({ build: 'avx' as never })).rejects.toThrowError(TypeError);
  });

  it('rejects corrupt bytes, then a later init() still succeeds', async () => {
    const wc = await freshLibrary();
    const corrupt = releaseBytes().slice(0, 100);
    await expect(wc.init({ wasm: corrupt })).rejects.toThrowError(WebAssembly.CompileError);
    expect(wc.wasmBuild()).toBeNull();
    expect(() => wc.zeros([1])).toThrowError(/call `await init\(\)`/);
    await wc.init();
    expectNotebookCorr2d(wc);
  });

  it('rejects a valid module that is not a wasmconv build, then a later init() succeeds', async () => {
    const wc = await freshLibrary();
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(wc.init({ wasm: empty })).rejects.toThrowError(/^init: opts.wasm is not a wasmconv build/);
    await wc.init();
    expectNotebookCorr2d(wc);
  });

  it('rejects a file: URL that does not exist, then a later init() succeeds', async () => {
    const wc = await freshLibrary();
    await expect(wc.init({ wasm: new URL('../build/no-such-file.wasm', import.meta.url) })).rejects.toThrowError(/ENOENT/);
    await wc.init();
    expectNotebookCorr2d(wc);
  });

  it('a rejected attempt does not leave a shared pending promise behind', async () => {
    const wc = await freshLibrary();
    const bad = wc.init({ wasm: 42 as never });
    await expect(bad).rejects.toThrowError(TypeError);
    const good = wc.init();
    expect(good).not.toBe(bad);
    await good;
  });
});
