// Using the package as a user would, with no configuration: `npm pack`, install the tarball into
// a fresh Vite app (no vite.config, no plugin, no wasm path), build it and run it in Chromium
// (served plainly it runs on one thread; with COOP/COEP its pool of two starts from inside the
// bundle); and import the built ES module straight from a plain <script type="module"> page. Both
// are served as plain files from 127.0.0.1 and fetch no .wasm file.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { expectClose } from '../helpers.js';
import {
  describeInChromium,
  ISOLATION_HEADERS,
  launchChromium,
  openPage,
  REPO,
  requireBuiltPackage,
  run,
  serveDirectory,
} from './harness.js';
import { edgeMap, trainCorr2d } from './notebook.js';

const wasmFiles = (dir: string) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.wasm'));

/** Opens the page served from `root` at `path` (with `headers`); checks it fetched no .wasm and logged no problem. */
async function resultsOf(
  browser: Browser,
  root: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const server = await serveDirectory(root, headers);
  try {
    const { page, problems, requests } = await openPage(browser, server.url + path);
    const results = await page.evaluate(() => (window as unknown as { results: Record<string, unknown> }).results);
    expect(requests.filter((u) => /\.wasm\b/.test(u))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
    return results;
  } finally {
    await server.close();
  }
}

describeInChromium('wasmconv without configuration, in Chromium', () => {
  let work: string;
  let browser: Browser;
  let tarball: string;
  let packedFiles: string[];

  beforeAll(async () => {
    requireBuiltPackage();
    await wc.init();
    work = mkdtempSync(join(tmpdir(), 'wasmconv-pack-'));
    let packed: string;
    [browser, packed] = await Promise.all([
      launchChromium(),
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO),
    ]);
    const [info] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info.filename);
    packedFiles = info.files.map((f) => f.path);
  });

  afterAll(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs dist/ with the WebAssembly inside the JavaScript and no runtime dependency', () => {
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    expect(packedFiles.filter((f) => f.endsWith('.wasm'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it('installs into a fresh Vite app that builds with no config and runs in Chromium as in Node', async () => {
    const app = join(work, 'app');
    cpSync(join(REPO, 'tests/browser/fixtures/vite-app'), app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'wasmconv-user-app', private: true, type: 'module' }, null, 2));
    // the tarball has no dependencies, so this needs no registry; vite is the repository's own
    // copy (linked, as `npm install vite` would place it), so the test also runs offline
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], app);
    expect(existsSync(join(app, 'node_modules/wasmconv/dist/index.js'))).toBe(true);
    symlinkSync(join(REPO, 'node_modules/vite'), join(app, 'node_modules/vite'), 'dir');
    expect(readdirSync(app).filter((f) => f.startsWith('vite.config'))).toEqual([]);

    await run(process.execPath, [join(app, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app);
    expect(wasmFiles(join(app, 'dist'))).toEqual([]);

    type AppResults = { build: string; threads: number; edges: number[]; conv: { shape: number[]; data: number[] } };
    const results = (await resultsOf(browser, join(app, 'dist'), '')) as AppResults;
    expect(['simd', 'relaxed-simd']).toContain(results.build);
    expect(results.threads, 'without COOP/COEP: one thread').toBe(1);
    // the same app served cross-origin isolated starts its workers, from inside the bundle
    const isolated = (await resultsOf(browser, join(app, 'dist'), '', ISOLATION_HEADERS)) as AppResults;
    expect(isolated.threads).toBe(2);
    expect(isolated.conv).toEqual(results.conv);
    expect(results.edges).toEqual(Array.from(edgeMap().data));
    const input = wc
      .arange(2 * 5 * 6)
      .reshape(1, 2, 5, 6)
      .div(10);
    const weight = wc
      .arange(3 * 2 * 3 * 3)
      .reshape(3, 2, 3, 3)
      .div(50)
      .sub(0.3);
    const conv = wc.conv2d(input, weight, wc.tensor([0.1, -0.2, 0.3]), { padding: 1, stride: [1, 2] });
    expect(results.conv.shape).toEqual(conv.shape);
    expectClose(results.conv.data, conv.data, 1e-5, 1e-5);
  });

  it('runs from a plain <script type="module"> page that imports dist/index.js, training as in Node', async () => {
    const results = (await resultsOf(browser, REPO, 'examples/web/plain/')) as { edges: number[]; losses: number[]; weight: number[] };
    expect(results.edges).toEqual(Array.from(edgeMap().data));
    const { losses, weight } = trainCorr2d(1, 0.1, 100); // seeded as the page is
    expectClose(results.losses, losses, 1e-6, 1e-4);
    expectClose(results.weight, weight, 1e-5, 1e-4);
    expect(results.losses.at(-1)).toBeLessThan(2e-3);
  });
});
