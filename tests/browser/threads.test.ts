// Threads in Chromium with zero configuration: a page served with COOP/COEP runs on two threads,
// one served without them on one thread, and both compute what Node computes on one thread, bit
// for bit (the plain SIMD build everywhere; the relaxed one fuses multiply-adds).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import { describeInChromium, ISOLATION_HEADERS, launchChromium, openPage, REPO, requireBuiltPackage, serveDirectory } from './harness.js';
// @ts-expect-error: a plain ES module shared with the page, without types
import { convRun } from './fixtures/threads/conv-run.js';

interface PageResults {
  threads: number;
  isolated: boolean;
  results: number[][][];
}

async function runPage(browser: Browser, headers: Record<string, string>): Promise<PageResults> {
  const server = await serveDirectory(REPO, headers);
  try {
    const { page, problems } = await openPage(browser, `${server.url}tests/browser/fixtures/threads/`);
    const results = await page.evaluate(() => (window as unknown as { results: PageResults }).results);
    expect(problems).toEqual([]);
    await page.close();
    return results;
  } finally {
    await server.close();
  }
}

describeInChromium('threads in Chromium', () => {
  let browser: Browser;
  let node: number[][][];

  beforeAll(async () => {
    requireBuiltPackage();
    browser = await launchChromium();
    await wc.init({ threads: 1, build: 'simd' });
    node = convRun(wc) as number[][][];
  });

  afterAll(async () => {
    await browser?.close();
    await wc.init({ threads: 1 });
  });

  it('a cross-origin isolated page (COOP/COEP) runs on two threads and computes what Node does, bit for bit', async () => {
    const r = await runPage(browser, ISOLATION_HEADERS);
    expect(r.isolated).toBe(true);
    expect(r.threads).toBe(2);
    expect(r.results).toEqual(node);
  });

  it('a page without those headers falls back to one thread, with the same results', async () => {
    const r = await runPage(browser, {});
    expect(r.isolated).toBe(false);
    expect(r.threads).toBe(1);
    expect(r.results).toEqual(node);
  });
});
