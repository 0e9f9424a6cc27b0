// §5's digits file (examples/web/src/lenet/digits.ts, made by examples/web/scripts/make-mnist.ts
// from the `mnist` package): the bytes keep MNIST's grey levels exactly, a damaged file is refused,
// and the split into training and held-out digits is fixed and stratified.
import { gzipSync, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMnistPackage } from '../../examples/web/scripts/make-mnist.js';
import { decodeDigits, encodeDigits, gather, splitDigits, type Digits } from '../../examples/web/src/lenet/digits.js';

describe('the digits file of the web page', () => {
  let digits: Digits;
  beforeAll(() => {
    digits = readMnistPackage();
  });

  it('holds the mnist package’s 10,000 28×28 digits, every class', () => {
    expect(digits).toMatchObject({ count: 10_000, rows: 28, cols: 28 });
    const perClass = new Array<number>(10).fill(0);
    for (const label of digits.labels) perClass[label]++;
    expect(perClass).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(digits.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('keeps every grey level: the package’s values are bytes / 255 rounded to 3 decimals, and come back within that rounding', () => {
    const bytes = encodeDigits(digits);
    expect(bytes.length).toBe(12 + 10_000 + 10_000 * 784);
    const back = decodeDigits(gunzipSync(gzipSync(bytes)));
    expect(back).toMatchObject({ count: 10_000, rows: 28, cols: 28 });
    expect(Array.from(back.labels)).toEqual(Array.from(digits.labels));
    let worst = 0;
    for (let i = 0; i < back.pixels.length; i++) worst = Math.max(worst, Math.abs(back.pixels[i] - digits.pixels[i]));
    expect(worst).toBeLessThanOrEqual(0.0005 + 1e-7);
    // and a second trip changes nothing
    expect(Buffer.from(encodeDigits(back)).equals(bytes)).toBe(true);
  });

  it('refuses a file with another header or a wrong length', () => {
    const bytes = encodeDigits({ count: 2, rows: 2, cols: 2, pixels: new Float32Array(8).fill(0.5), labels: Uint8Array.from([3, 7]) });
    expect(decodeDigits(bytes).labels).toEqual(Uint8Array.from([3, 7]));
    expect(() => decodeDigits(bytes.subarray(0, bytes.length - 1))).toThrow(/2 digits of 2×2 need 22 bytes, got 21/);
    const other = bytes.slice();
    other[0] = 0x1f;
    expect(() => decodeDigits(other)).toThrow(/expected the "MNU8" header/);
    expect(() => decodeDigits(new Uint8Array(3))).toThrow(/expected the "MNU8" header/);
  });

  it('holds out every tenth digit: 1,000 digits, a tenth of each class, none of them trained on', () => {
    const { train, heldOut } = splitDigits(digits);
    expect(train.length).toBe(9000);
    expect(heldOut.length).toBe(1000);
    expect(new Set([...train, ...heldOut]).size).toBe(10_000);
    const heldPerClass = new Array<number>(10).fill(0);
    for (const i of heldOut) heldPerClass[digits.labels[i]]++;
    expect(heldPerClass).toEqual([100, 112, 99, 104, 98, 86, 101, 107, 95, 98]); // a tenth of each class, ±1
    expect(splitDigits(digits)).toEqual({ train, heldOut });

    const { images, labels } = gather(digits, heldOut.subarray(0, 3));
    expect(images.length).toBe(3 * 784);
    expect(Array.from(labels)).toEqual([0, 0, 0]);
    expect(Array.from(images.subarray(784, 1568))).toEqual(Array.from(digits.pixels.subarray(heldOut[1] * 784, (heldOut[1] + 1) * 784)));
  });
});
