// The notebook page (examples/web), built by Vite and run in Chromium: every panel shows what the
// library computes in Node, corr2d and conv2d in the page (both backends) equal Node's, training
// converges step for step as in Node, LeNet trains on the MNIST digits in the tab without
// stopping the page and reads a digit drawn with the mouse, the wasm comes from the bundle (no
// .wasm request, no cross-origin isolation), and nothing goes wrong in the page. The last test
// saves a screenshot.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Conv2dOptions, Tensor } from '../../src/index.js';
import { expectClose, onBackend, randomData } from '../helpers.js';
import {
  describeInChromium,
  launchChromium,
  openPage,
  REPO,
  requireBuiltPackage,
  serveDirectory,
  viteBuild,
  type OpenedPage,
  type StaticServer,
} from './harness.js';
import { readMnistPackage } from '../../examples/web/scripts/make-mnist.js';
import { centreOfMass, toMnist } from '../../examples/web/src/lenet/preprocess.js';
import { edgeImage, edgeMap, trainConv2d, trainCorr2d, type Trained } from './notebook.js';

interface Shown {
  shape: number[];
  values: number[];
}

/** What a heatmap figure in `panel` shows: its shape and values (data-shape, data-values). */
async function shown(page: Page, panel: string, name: string): Promise<Shown> {
  const figure = page.locator(`#${panel} figure.heatmap[data-name="${name}"]`);
  const [shape, values] = await Promise.all([figure.getAttribute('data-shape'), figure.getAttribute('data-values')]);
  return { shape: shape!.split(',').map(Number), values: JSON.parse(values!) };
}

function expectShows(s: Shown, t: Tensor, atol = 0): void {
  expect(s.shape).toEqual(t.shape);
  expectClose(s.values, t.data, atol, atol);
}

/** What §5 reports (examples/web/src/panels/lenet.ts, LeNetStatus). */
interface LeNetStatus {
  state: string;
  recipe: { architecture: string; optimizer: string; lr: number; batchSize: number; seed: number } | null;
  steps: number;
  targetSteps: number;
  losses: number[];
  accuracy: { x: number; y: number }[];
  stepsPerSecond: number;
  examplesPerSecond: number;
  msPerStep: number;
  kernels: number[];
  prediction: { input: number[]; probabilities: number[] } | null;
}

/** What the page leaves on `window` (examples/web/src/main.ts). */
interface PageWindow {
  wc: typeof wc;
  wasmconvDemo: {
    picture: { lastRun(): { kernel: string; options: Conv2dOptions; input: Tensor; weight: Tensor; output: Tensor } | null };
    lenet: { status(): LeNetStatus };
  };
}

interface TrainingRun {
  model: string;
  backend: string;
  epochs: number;
  losses: number[];
  weight: number[];
  msPerStep: number;
}

describeInChromium('the notebook page in Chromium', () => {
  let outDir: string;
  let server: StaticServer;
  let browser: Browser;
  let opened: OpenedPage;
  let page: Page;

  beforeAll(async () => {
    requireBuiltPackage();
    await wc.init();
    outDir = mkdtempSync(join(tmpdir(), 'wasmconv-web-'));
    [browser] = await Promise.all([launchChromium(), viteBuild(join(REPO, 'examples/web'), outDir)]);
    server = await serveDirectory(outDir);
    opened = await openPage(browser, server.url);
    page = opened.page;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('instantiates the embedded wasm with no .wasm file, fetch or cross-origin isolation', async () => {
    const { build, isolated } = await page.evaluate(() => ({
      build: (window as unknown as PageWindow).wc.wasmBuild(),
      isolated: crossOriginIsolated,
    }));
    expect(['simd', 'relaxed-simd']).toContain(build);
    expect(await page.getAttribute('body', 'data-wasm-build')).toBe(build);
    expect(isolated).toBe(false);
    expect(opened.requests.filter((u) => /\.wasm\b/.test(u))).toEqual([]);
    expect(readdirSync(outDir, { recursive: true }).filter((f) => String(f).endsWith('.wasm'))).toEqual([]);
  });

  it('§1 shows the notebook’s corr2d(X, V) and the edge map of the 6×8 image, as Node computes them', async () => {
    const X = wc.arange(9).reshape(3, 3);
    const V = wc.arange(4).reshape(2, 2);
    expectShows(await shown(page, 'correlation', 'corr2d(X, V)'), wc.corr2d(X, V));
    expect((await shown(page, 'correlation', 'corr2d(X, V)')).values).toEqual([19, 25, 37, 43]);
    const image = edgeImage();
    expectShows(await shown(page, 'correlation', 'image'), image);
    expectShows(await shown(page, 'correlation', 'edges'), edgeMap(image));
  });

  it('§1 recomputes the edge map when a pixel of the image is clicked', async () => {
    const pixel = 3 * 8 + 3; // row 3, column 3: black
    await page.locator('#correlation figure[data-name="image"] .cell').nth(pixel).click();
    const image = edgeImage();
    image.data[pixel] = 1;
    expectShows(await shown(page, 'correlation', 'image'), image);
    expectShows(await shown(page, 'correlation', 'edges'), edgeMap(image));
    await page.locator('#correlation figure[data-name="image"] .cell').nth(pixel).click(); // back to the notebook's image
    expectShows(await shown(page, 'correlation', 'image'), edgeImage());
  });

  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const convCases = (
    [
      { name: 'plain, with bias', x: [2, 3, 9, 8], w: [4, 3, 3, 3], bias: true, opts: {} },
      {
        name: 'strided, padded, dilated, grouped',
        x: [1, 4, 10, 7],
        w: [6, 2, 3, 2],
        bias: false,
        opts: { stride: 2, padding: [1, 2], dilation: [1, 2], groups: 2 },
      },
      {
        name: "'same' with reflect padding",
        x: [1, 2, 6, 6],
        w: [2, 2, 3, 3],
        bias: true,
        opts: { padding: 'same', paddingMode: 'reflect' },
      },
      {
        name: 'depthwise 5×5, circular',
        x: [1, 3, 8, 8],
        w: [3, 1, 5, 5],
        bias: false,
        opts: { padding: 'same', paddingMode: 'circular', groups: 3 },
      },
    ] satisfies { name: string; x: number[]; w: number[]; bias: boolean; opts: Conv2dOptions }[]
  ).map((c, i) => ({
    ...c,
    opts: c.opts as Conv2dOptions,
    // inputs, weights, biases, and the output weights r of the loss sum(out · r) whose gradients are compared
    xData: Array.from(randomData(size(c.x), 20 + i)),
    wData: Array.from(randomData(size(c.w), 30 + i)),
    bData: Array.from(randomData(c.w[0], 40 + i)),
    rData: Array.from(randomData(4096, 50 + i)),
  }));
  const corrCase = { x: Array.from(randomData(7 * 9, 11)), k: Array.from(randomData(3 * 2, 12)) };

  it.each(['wasm', 'js'] as const)('corr2d and conv2d (forward and gradients) in the page on %s equal Node', async (backend) => {
    const inPage = await page.evaluate(
      ({ backend, corrCase, convCases }) => {
        const { wc } = window as unknown as PageWindow;
        wc.setBackend(backend);
        const corr = wc.corr2d(wc.tensor(corrCase.x, [7, 9]), wc.tensor(corrCase.k, [3, 2]));
        const flat = (t: { data: Float32Array } | null | undefined) => (t ? Array.from(t.data) : null);
        const convs = convCases.map((c) => {
          const input = wc.tensor(c.xData, c.x, { requiresGrad: true });
          const weight = wc.tensor(c.wData, c.w, { requiresGrad: true });
          const bias = c.bias ? wc.tensor(c.bData, [c.w[0]], { requiresGrad: true }) : null;
          const out = wc.conv2d(input, weight, bias, c.opts);
          out
            .mul(wc.tensor(c.rData.slice(0, out.size), out.shape))
            .sum()
            .backward();
          return { shape: [...out.shape], out: flat(out), gx: flat(input.grad), gw: flat(weight.grad), gb: flat(bias?.grad) };
        });
        wc.setBackend('wasm');
        return { corr: { shape: [...corr.shape], values: Array.from(corr.data) }, convs };
      },
      { backend, corrCase, convCases },
    );

    // the same in Node, on the js reference backend
    onBackend('js', () => {
      expectShows(inPage.corr, wc.corr2d(wc.tensor(corrCase.x, [7, 9]), wc.tensor(corrCase.k, [3, 2])), 1e-5);
      convCases.forEach((c, i) => {
        const input = wc.tensor(c.xData, c.x, { requiresGrad: true });
        const weight = wc.tensor(c.wData, c.w, { requiresGrad: true });
        const bias = c.bias ? wc.tensor(c.bData, [c.w[0]], { requiresGrad: true }) : null;
        const out = wc.conv2d(input, weight, bias, c.opts);
        out
          .mul(wc.tensor(c.rData.slice(0, out.size), [...out.shape]))
          .sum()
          .backward();
        const got = inPage.convs[i];
        expect(got.shape, c.name).toEqual(out.shape);
        expectClose(got.out!, out.data, 1e-5, 1e-4);
        expectClose(got.gx!, input.grad!.data, 1e-5, 1e-4);
        expectClose(got.gw!, weight.grad!.data, 1e-5, 1e-4);
        if (bias) expectClose(got.gb!, bias.grad!.data, 1e-5, 1e-4);
        else expect(got.gb).toBeNull();
      });
    });
  });

  /** Clicks Start with the panel's current settings and returns the finished run. */
  async function train(backend: 'wasm' | 'js'): Promise<TrainingRun> {
    await page.check(`#training input[name="training-backend"][value="${backend}"]`);
    await page.click('#training [data-action="start"]');
    await page.waitForSelector('#training[data-state="done"]', { timeout: 20_000 });
    return JSON.parse((await page.getAttribute('#training', 'data-run'))!);
  }

  function expectConverged(run: TrainingRun, reference: Trained): void {
    expect(run.losses).toHaveLength(run.epochs);
    for (let i = 1; i < run.losses.length; i++) expect(run.losses[i]).toBeLessThanOrEqual(run.losses[i - 1]);
    expectClose(run.losses, reference.losses, 1e-6, 1e-4);
    expectClose(run.weight, reference.weight, 1e-5, 1e-4);
    expect(Math.abs(run.weight[0] + 1)).toBeLessThan(0.1);
    expect(Math.abs(run.weight[1] - 1)).toBeLessThan(0.1);
    expect(run.msPerStep).toBeGreaterThan(0);
  }

  it('§2 learns the kernel with nn.Conv2d and a sum-of-squares loss (the notebook’s cell 51)', async () => {
    await page.selectOption('#training select[name="model"]', 'conv2d');
    const run = await train('wasm');
    await page.selectOption('#training select[name="model"]', 'corr2d');
    expect(run).toMatchObject({ model: 'conv2d', epochs: 10 });
    expectConverged(run, trainConv2d(1, 0.03, 10)); // seeded as the page is
  });

  it.each(['js', 'wasm'] as const)(
    '§2 learns the kernel [-1, 1] on %s, step for step as nn.Corr2d + MSELoss + SGD in Node',
    async (backend) => {
      const run = await train(backend);
      expect(run).toMatchObject({ model: 'corr2d', backend, epochs: 100 });
      expectConverged(run, trainCorr2d(1, 0.1, 100)); // seeded as the page is
      expect(run.losses.at(-1)).toBeLessThan(2e-3);
      expect(await page.textContent('#training .readout')).toContain(`per step on ${backend}`);
      expect(await page.locator('#training table.runs tbody tr').count()).toBe(backend === 'js' ? 2 : 3);
    },
  );

  const examples: Record<string, () => { X: Tensor; K: Tensor }> = {
    notebook: () => ({ X: wc.arange(9).reshape(3, 3), K: wc.arange(4).reshape(2, 2) }),
    sobel: () => ({
      X: wc.arange(20).reshape(4, 5),
      K: wc.tensor([
        [1, 0, -1],
        [2, 0, -2],
        [1, 0, -1],
      ]),
    }),
    edges: () => ({ X: edgeImage(), K: wc.tensor([[-1, 1]]) }),
  };

  it.each(Object.keys(examples))('§3 draws W = kernelToMatrix and im2col’s matrix as Node computes them (%s)', async (example) => {
    await page.selectOption('#matrix select[name="example"]', example);
    const { X, K } = examples[example]();
    const [H, W] = X.shape;
    const [kh, kw] = K.shape;
    const L = (H - kh + 1) * (W - kw + 1);
    const sparse = wc.kernelToMatrix(K, [H, W]);
    const cols = wc.unfold(X.reshape(1, 1, H, W), [kh, kw]).reshape(kh * kw, L);
    expectShows(await shown(page, 'matrix', 'W'), sparse);
    expectShows(await shown(page, 'matrix', 'cols'), cols);
    expectShows(await shown(page, 'matrix', 'W · vec(X)'), wc.corr2d(X, K).reshape(L, 1), 1e-6);
    expectShows(await shown(page, 'matrix', 'vec(K)ᵀ · cols'), wc.corr2d(X, K).reshape(1, L), 1e-6);
    expect(await page.textContent('#matrix [data-check="matrix"]')).toMatch(/largest difference 0 \(sparse\) and 0 \(im2col\)/);
    await page.selectOption('#matrix select[name="example"]', 'notebook');
  });

  /**
   * The picture panel's last conv2d, recomputed in Node on the js backend. The tensors cross over
   * as base64 of their float32 bytes: exact, and far faster than arrays of numbers.
   */
  async function expectPictureMatchesNode(): Promise<{ kernel: string; input: number[]; weight: Float32Array }> {
    const r = await page.evaluate(() => {
      const run = (window as unknown as PageWindow).wasmconvDemo.picture.lastRun()!;
      const bytes = (t: { shape: readonly number[]; data: Float32Array }) => {
        const u8 = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
        let binary = '';
        for (let i = 0; i < u8.length; i += 0x8000) binary += String.fromCharCode(...u8.subarray(i, i + 0x8000));
        return { shape: [...t.shape], base64: btoa(binary) };
      };
      return { kernel: run.kernel, options: run.options, input: bytes(run.input), weight: bytes(run.weight), output: bytes(run.output) };
    });
    const tensor = (t: { shape: number[]; base64: string }) =>
      wc.tensor(new Float32Array(new Uint8Array(Buffer.from(t.base64, 'base64')).buffer), t.shape);
    const [input, weight, output] = [tensor(r.input), tensor(r.weight), tensor(r.output)];
    const expected = onBackend('js', () => wc.conv2d(input, weight, null, r.options));
    expect(output.shape).toEqual(expected.shape);
    expectClose(output.data, expected.data, 1e-5, 1e-4);
    return { kernel: r.kernel, input: [...input.shape], weight: weight.data };
  }

  it.each(['edge', 'blur', 'sharpen', 'learned'])(
    '§4 runs the %s kernel over the bundled picture as conv2d does in Node',
    async (kernel) => {
      await page.selectOption('#picture select[name="kernel"]', kernel);
      await page.waitForSelector(`#picture[data-state="done"]`);
      const r = await expectPictureMatchesNode();
      expect(r.kernel).toBe(kernel);
      const colour = kernel === 'blur' || kernel === 'sharpen';
      expect(r.input).toEqual([1, colour ? 3 : 1, 160, 256]);
      if (kernel === 'learned') {
        const trained: TrainingRun = JSON.parse((await page.getAttribute('#training', 'data-run'))!);
        expectClose(r.weight, trained.weight, 0, 0);
      }
    },
  );

  it('§4 runs on the js backend, and on a picture the user chooses (refusing a file that is none)', async () => {
    await page.check('#picture input[name="picture-backend"][value="js"]');
    expect(JSON.parse((await page.getAttribute('#picture', 'data-run'))!).backend).toBe('js');
    await expectPictureMatchesNode();
    await page.check('#picture input[name="picture-backend"][value="wasm"]');

    // a file that is no picture is refused with a message
    await page.setInputFiles('#picture input[type="file"]', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not a picture'),
    });
    await page.waitForSelector('#picture[data-state="error"]');
    expect(await page.textContent('#picture .readout')).toContain('could not be read as a picture');

    // the user's picture: a screenshot of this page (1280×900), scaled down to 512×360
    const screenshot = await page.screenshot();
    await page.setInputFiles('#picture input[type="file"]', { name: 'page.png', mimeType: 'image/png', buffer: screenshot });
    await page.waitForFunction(() => JSON.parse(document.getElementById('picture')!.dataset.run ?? '{}').input?.[3] === 512);
    expect((await expectPictureMatchesNode()).input.slice(2)).toEqual([360, 512]);
    await page.click('#picture [data-action="bundled"]');
    await page.waitForFunction(() => JSON.parse(document.getElementById('picture')!.dataset.run ?? '{}').input?.[3] === 256);
  });

  const lenetStatus = () => page.evaluate(() => (window as unknown as PageWindow).wasmconvDemo.lenet.status());
  const kernelImages = () => page.$$eval('#lenet canvas.kernel', (canvases) => canvases.map((c) => (c as HTMLCanvasElement).toDataURL()));

  it('§5 loads the digits and sets up a new network for each choice of network and optimizer, with its learning rate', async () => {
    await page.waitForSelector('#lenet[data-state="idle"]', { timeout: 20_000 });
    const lrShown = () => page.inputValue('#lenet input[name="lr"]');
    expect(await lenetStatus()).toMatchObject({
      steps: 0,
      losses: [],
      targetSteps: 5 * 282,
      recipe: { architecture: 'relu', optimizer: 'adam', lr: 0.001, batchSize: 32 },
    });
    await page.selectOption('#lenet select[name="architecture"]', 'sigmoid');
    expect(await lrShown()).toBe('0.003');
    await page.selectOption('#lenet select[name="optimizer"]', 'sgd');
    expect(await lrShown()).toBe('0.9');
    expect((await lenetStatus()).recipe).toMatchObject({ architecture: 'sigmoid', optimizer: 'sgd', lr: 0.9 });
    await page.selectOption('#lenet select[name="architecture"]', 'relu');
    await page.selectOption('#lenet select[name="optimizer"]', 'adam');
    expect((await lenetStatus()).recipe).toMatchObject({ architecture: 'relu', optimizer: 'adam', lr: 0.001 });
  });

  it('§5 trains LeNet in the tab without stopping the page: the loss falls, the held-out accuracy is measured, the kernels change; Stop stops it', async () => {
    const kernelsBefore = await kernelImages();
    expect(kernelsBefore).toHaveLength(6);
    // the gaps between animation frames while it trains: the page must go on painting
    await page.evaluate(() => {
      const w = window as unknown as { frameGaps: number[] };
      w.frameGaps = [];
      let last = performance.now();
      const tick = (t: number) => {
        w.frameGaps.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.click('#lenet [data-action="train"]');
    expect(await page.getAttribute('#lenet', 'data-state')).toBe('running');
    await page.waitForFunction(() => (window as unknown as PageWindow).wasmconvDemo.lenet.status().accuracy.length >= 2, null, {
      timeout: 60_000,
    });
    // Stop, from the keyboard
    await page.focus('#lenet [data-action="train"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#lenet[data-state="stopped"]');
    const run = await lenetStatus();
    await page.waitForTimeout(300);
    expect((await lenetStatus()).steps, 'no step after Stop').toBe(run.steps);
    expect(await page.textContent('#lenet [data-action="train"]')).toBe('Resume');

    expect(run.losses).toHaveLength(run.steps);
    expect(run.losses.every(Number.isFinite)).toBe(true);
    expect(Math.abs(run.losses[0] - Math.log(10))).toBeLessThan(0.3); // chance: −log(1/10)
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(run.losses.slice(-20))).toBeLessThan(0.5 * mean(run.losses.slice(0, 20)));
    expect(run.accuracy.map((p) => p.x)).toEqual([100, 200]);
    expect(run.accuracy.every((p) => p.y >= 0 && p.y <= 1)).toBe(true);
    expect(run.accuracy.at(-1)!.y).toBeGreaterThan(0.5); // about 0.9 after 200 steps
    expect(run.stepsPerSecond).toBeGreaterThan(0);
    expect(run.examplesPerSecond / run.stepsPerSecond).toBeCloseTo(32, 5);
    expect(await page.textContent('#lenet .readout')).toMatch(
      /step \d+\/1410 .* held-out accuracy \d+\.\d% .* steps\/s .* examples\/s .* per step on wasm/,
    );

    const kernelsAfter = await kernelImages();
    kernelsAfter.forEach((image, k) => expect(image, `kernel ${k}`).not.toBe(kernelsBefore[k]));

    const gaps = await page.evaluate(() => (window as unknown as { frameGaps: number[] }).frameGaps.slice(1));
    const sorted = [...gaps].sort((a, b) => a - b);
    console.log(
      `[§5] ${run.steps} steps in Chromium: ${run.msPerStep.toFixed(1)} ms a step, ${run.stepsPerSecond.toFixed(1)} steps/s, ` +
        `held-out accuracy ${run.accuracy.map((p) => p.y.toFixed(3)).join(' → ')}; frame gaps median ${sorted[sorted.length >> 1].toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
    );
    expect(gaps.length).toBeGreaterThan(20);
    expect(sorted.at(-1), 'the longest frame gap (ms): a page blocked by training would show the whole run').toBeLessThan(2000);
  });

  /** Draws a polyline on the pad with the mouse, points given as fractions of its width and height. */
  async function drawOnPad(points: [number, number][]): Promise<void> {
    const pad = page.locator('#lenet canvas.sketchpad');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
    await page.mouse.move(...at(points[0]));
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
    await page.mouse.up();
  }

  /** The status once its prediction differs from `previous` (the pad redraws in the next frame). */
  async function nextPrediction(previous: LeNetStatus['prediction']): Promise<LeNetStatus['prediction']> {
    await page.waitForFunction(
      (prev) => JSON.stringify((window as unknown as PageWindow).wasmconvDemo.lenet.status().prediction) !== prev,
      JSON.stringify(previous),
    );
    return (await lenetStatus()).prediction;
  }

  function expectProbabilities(p: number[]): void {
    expect(p).toHaveLength(10);
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
  }

  it('§5 reads a digit drawn with the mouse, framed as MNIST’s are, with ten probabilities that sum to 1 and follow the pen', async () => {
    // the top bar of a 7, then its stem
    await drawOnPad([
      [0.28, 0.22],
      [0.72, 0.22],
    ]);
    const bar = await nextPrediction(null);
    expectProbabilities(bar!.probabilities);
    await drawOnPad([
      [0.72, 0.22],
      [0.62, 0.45],
      [0.5, 0.8],
    ]);
    const seven = await nextPrediction(bar);
    expectProbabilities(seven!.probabilities);
    expect(seven!.probabilities).not.toEqual(bar!.probabilities);
    // the input: the drawing's 28×28 MNIST framing (its centre of mass on pixel (14, 14)), in [0, 1]
    const input = seven!.input;
    expect(input).toHaveLength(784);
    expect(input.every((v) => v >= 0 && v <= 1)).toBe(true);
    const [cx, cy] = centreOfMass({ width: 28, height: 28, data: Float32Array.from(input) })!;
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
    // the bars show the probabilities
    expect(JSON.parse((await page.getAttribute('#lenet ol.probabilities', 'data-values'))!)).toEqual(seven!.probabilities);
    expect(await page.textContent('#lenet .verdict')).toMatch(/^The network reads a \d \(\d+\.\d%\)\.$/);

    await page.click('#lenet [data-action="clear"]');
    expect(await nextPrediction(seven)).toBeNull();
    expect(await page.getAttribute('#lenet ol.probabilities', 'data-values')).toBe('');
    expect(await page.textContent('#lenet .verdict')).toBe('Draw a digit.');
  });

  it('§5 shows a held-out digit on the pad, and the network gets it as MNIST has it', async () => {
    await page.click('#lenet [data-action="sample"]');
    const shown = await nextPrediction(null);
    expectProbabilities(shown!.probabilities);
    // the first held-out digit is digit 9 of the file (every tenth is held out), which holds MNIST's
    // bytes (the package's values v = byte / 255 to 3 decimals): its framing, computed here
    const digits = readMnistPackage();
    const bytes = digits.pixels.subarray(9 * 784, 10 * 784).map((v) => Math.round(255 * v) / 255);
    const expected = toMnist({ width: 28, height: 28, data: bytes })!;
    expectClose(shown!.input, expected, 1e-6, 0);

    // leave a drawn 7 on the pad for the screenshot
    await page.click('#lenet [data-action="clear"]');
    await nextPrediction(shown);
    await drawOnPad([
      [0.28, 0.22],
      [0.72, 0.22],
      [0.62, 0.45],
      [0.5, 0.8],
    ]);
    expectProbabilities((await nextPrediction(null))!.probabilities);
  });

  it('ends with no console error, uncaught exception or failed request, and saves a screenshot', async () => {
    // the README's examples/web/screenshot.png is this file: every panel, §5 after 200 steps with a 7 drawn
    await page.selectOption('#picture select[name="kernel"]', 'edge');
    mkdirSync(join(REPO, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(REPO, 'test-results/web-page.png'), fullPage: true });
    expect(opened.problems).toEqual([]);
  });
});
