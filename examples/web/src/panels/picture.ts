// §4 A kernel on a real picture. Kernels that keep brightness (their weights sum to 1: blur,
// sharpen) run on the three colour planes at once as a depthwise convolution (groups = 3, one
// copy of the kernel per channel); kernels that sum to 0 (edges, the learned kernel) run on the
// luminance and give a signed map, drawn blue (negative) to red (positive).
import * as wc from 'wasmconv';
import type { BackendName, Conv2dOptions, Tensor } from 'wasmconv';
import lakesideUrl from '../assets/lakeside.png';
import { backendSwitch, formatDuration } from '../view/controls.js';
import { el } from '../view/dom.js';
import { divergingColor, formatValue, heatmap } from '../view/heatmap.js';

const BINOMIAL5 = [1, 4, 6, 4, 1];
const KERNELS: Record<string, { label: string; rows: number[][] }> = {
  edge: {
    label: 'edges (3×3 Laplacian)',
    rows: [
      [-1, -1, -1],
      [-1, 8, -1],
      [-1, -1, -1],
    ],
  },
  blur: { label: 'blur (5×5 Gaussian)', rows: BINOMIAL5.map((a) => BINOMIAL5.map((b) => (a * b) / 256)) },
  sharpen: {
    label: 'sharpen (3×3)',
    rows: [
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0],
    ],
  },
};
const LEARNED = 'learned';
/** Pictures larger than this on either side are scaled down, to keep the js backend interactive. */
const MAX_SIDE = 512;

/** Everything one run used and produced, for the console and the tests. */
export interface PictureRun {
  kernel: string;
  backend: BackendName;
  input: Tensor;
  weight: Tensor;
  options: Conv2dOptions;
  output: Tensor;
  ms: number;
}

export interface PicturePanel {
  setLearned(kernel: Tensor): void;
  lastRun(): PictureRun | null;
}

export function mountPicture(root: HTMLElement): PicturePanel {
  const kernelSelect = el(
    'select',
    { name: 'kernel' },
    ...Object.entries(KERNELS).map(([key, k]) => el('option', { value: key }, k.label)),
    el('option', { value: LEARNED, disabled: '' }, 'learned in §2 (train it there first)'),
  );
  const backend = backendSwitch('picture-backend');
  const file = el('input', { type: 'file', accept: 'image/*', name: 'picture' });
  const bundled = el('button', { type: 'button', 'data-action': 'bundled' }, 'bundled picture');
  const original = el('canvas', { class: 'picture' });
  const result = el('canvas', { class: 'picture' });
  const kernelView = el('div', { class: 'kernel-view' });
  const caption = el('p', { class: 'readout' });
  root.append(
    el(
      'div',
      { class: 'controls' },
      el('label', { class: 'field' }, 'kernel ', kernelSelect),
      backend.element,
      el('label', { class: 'field' }, 'picture ', file),
      bundled,
    ),
    el('div', { class: 'pictures' }, figure(original, 'input'), kernelView, figure(result, 'conv2d(input, kernel)')),
    caption,
  );

  let learned: number[][] | null = null;
  let image: ImageData | null = null;
  let last: PictureRun | null = null;

  const run = () => {
    if (!image) return;
    const key = kernelSelect.value;
    const rows = key === LEARNED ? learned! : KERNELS[key].rows;
    try {
      last = convolve(image, rows, key, backend.value());
      kernelView.replaceChildren(heatmap(wc.tensor(rows), { name: 'kernel', cell: 40 }));
      draw(result, toImageData(last.output, image.width, image.height));
      const { input, weight, options } = last;
      caption.textContent =
        `conv2d(input [${input.shape.join(', ')}], weight [${weight.shape.join(', ')}], ` +
        `{ padding: '${options.padding}', paddingMode: '${options.paddingMode}', groups: ${options.groups} }) ` +
        `on ${last.backend}: ${formatDuration(last.ms)}`;
      root.dataset.state = 'done';
      root.dataset.run = JSON.stringify({ kernel: key, backend: last.backend, ms: last.ms, input: input.shape, output: last.output.shape });
    } catch (err) {
      root.dataset.state = 'error';
      caption.textContent = `conv2d failed: ${String(err)}`;
      console.error(err);
    }
  };
  const load = async (source: Blob) => {
    root.dataset.state = 'loading';
    try {
      image = await readPixels(source);
    } catch {
      root.dataset.state = 'error';
      caption.textContent = 'That file could not be read as a picture; try a PNG, JPEG, GIF or WebP.';
      return;
    }
    draw(original, image);
    run();
  };

  kernelSelect.addEventListener('change', run);
  backend.element.addEventListener('change', run);
  file.addEventListener('change', () => file.files?.[0] && load(file.files[0]));
  bundled.addEventListener('click', async () => {
    file.value = '';
    await load(await (await fetch(lakesideUrl)).blob());
  });
  bundled.click();

  return {
    setLearned(kernel) {
      learned = kernel.toArray() as number[][];
      const option = kernelSelect.querySelector<HTMLOptionElement>(`option[value=${LEARNED}]`)!;
      option.disabled = false;
      option.textContent = `learned in §2: [${learned.flat().map(formatValue).join(', ')}]`;
      if (kernelSelect.value === LEARNED) run();
    },
    lastRun: () => last,
  };
}

function figure(canvas: HTMLCanvasElement, caption: string): HTMLElement {
  return el('figure', {}, canvas, el('figcaption', {}, caption));
}

/** The picture's pixels, scaled down to at most MAX_SIDE on a side. */
async function readPixels(source: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(source);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

function convolve(image: ImageData, rows: number[][], kernel: string, backend: BackendName): PictureRun {
  const { width: w, height: h, data: rgba } = image;
  const [kh, kw] = [rows.length, rows[0].length];
  // weights that (nearly) cancel, as in an edge detector, answer change, not brightness
  const weights = rows.flat();
  const signed = Math.abs(weights.reduce((s, v) => s + v, 0)) < 0.05 * weights.reduce((s, v) => s + Math.abs(v), 0);
  const channels = signed ? 1 : 3;
  const planes = new Float32Array(channels * h * w);
  for (let p = 0; p < h * w; p++) {
    const [r, g, b] = [rgba[4 * p] / 255, rgba[4 * p + 1] / 255, rgba[4 * p + 2] / 255];
    if (signed)
      planes[p] = 0.299 * r + 0.587 * g + 0.114 * b; // ITU-R BT.601 luma
    else [planes[p], planes[h * w + p], planes[2 * h * w + p]] = [r, g, b];
  }
  const input = wc.tensor(planes, [1, channels, h, w]);
  const weight = wc.tensor(Array.from({ length: channels }, () => rows.flat()).flat(), [channels, 1, kh, kw]);
  const options: Conv2dOptions = { padding: 'same', paddingMode: 'replicate', groups: channels };
  wc.setBackend(backend);
  const t0 = performance.now();
  const output = wc.noGrad(() => wc.conv2d(input, weight, null, options));
  return { kernel, backend, input, weight, options, output, ms: performance.now() - t0 };
}

/** RGB planes clamped to [0, 1], or one signed plane on a blue-white-red scale. */
function toImageData(out: Tensor, w: number, h: number): ImageData {
  const pixels = new ImageData(w, h);
  const v = out.data;
  const n = w * h;
  if (out.shape[1] === 3) {
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < 3; c++) pixels.data[4 * p + c] = Math.round(Math.min(1, Math.max(0, v[c * n + p])) * 255);
      pixels.data[4 * p + 3] = 255;
    }
    return pixels;
  }
  // scaled to the 99.5th percentile of |v|, so that a few extreme pixels do not wash the map out,
  // on a ramp between linear and square root: edges stand out, the picture's grain stays faint
  const sorted = v.map(Math.abs).sort();
  const m = sorted[Math.floor(0.995 * (n - 1))] || 1;
  for (let p = 0; p < n; p++) {
    pixels.data.set([...divergingColor(v[p] / m, 0.7), 255], 4 * p);
  }
  return pixels;
}

function draw(canvas: HTMLCanvasElement, pixels: ImageData): void {
  canvas.width = pixels.width;
  canvas.height = pixels.height;
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
}
