// What the browser tests share: Debian's Chromium driven by playwright-core, a static file server
// on 127.0.0.1, a page opened with everything that goes wrong in it recorded, and the commands
// (vite, npm) run as child processes.
import { execFile } from 'node:child_process';
import { existsSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

export const REPO = resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/**
 * `describe` for suites that need Chromium. Without the browser the suite skips locally, with a
 * message saying how to get it, but fails in CI (CI=true), where .ci/run installs it.
 */
export function describeInChromium(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, suite);
  } else if (IN_CI) {
    describe(name, () => {
      it('has Chromium to run in', () => {
        throw new Error(`no Chromium at ${CHROMIUM}: CI must run the browser tests (.ci/run installs it with apt-get)`);
      });
    });
  } else {
    console.warn(`[browser tests] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    describe.skip(name, suite);
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** The two headers that make a page cross-origin isolated, which shared memory (threads) needs. */
export const ISOLATION_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/**
 * Serves `root` on 127.0.0.1 at a free port, as plain files: no COOP/COEP or any other special
 * header unless given in `headers`, so a page that works here needs nothing else from its server.
 */
export async function serveDirectory(root: string, headers: Record<string, string> = {}): Promise<StaticServer> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = normalize(join(base, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    let file = path;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if ((file !== base && !file.startsWith(base + sep)) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface OpenedPage {
  page: Page;
  /** Console errors, uncaught exceptions, failed requests and HTTP errors, as they happened. */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** Opens `url` and waits until the page sets `<body data-ready="true">` (or fails on "error"). */
export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
  const ready = await page.getAttribute('body', 'data-ready');
  if (ready !== 'true') throw new Error(`${url} did not start: ${problems.join('; ') || (await page.textContent('body'))}`);
  return { page, problems, requests };
}

const execFileAsync = promisify(execFile);

/**
 * Runs a command to completion and returns its stdout; on failure the error carries its output.
 * npm's per-run variables of an enclosing `npm test` are dropped, so that a child npm works on
 * its own directory and not on this package.
 */
export async function run(file: string, args: string[], cwd: string): Promise<string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|npm_command$|INIT_CWD$)/i.test(k)),
  );
  try {
    const { stdout } = await execFileAsync(file, args, { cwd, env, maxBuffer: 64 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: err });
  }
}

/** Builds a Vite project with the repository's own vite, as `vite build` would from its root. */
export function viteBuild(root: string, outDir: string): Promise<string> {
  return run(
    process.execPath,
    [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', root, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    REPO,
  );
}

/** Fails early, with the fix, when the package has not been built (npm test builds it first). */
export function requireBuiltPackage(): void {
  if (!existsSync(join(REPO, 'dist/index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first (`npm test` does)');
}
