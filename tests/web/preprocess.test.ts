// The page's §5 preprocessing (examples/web/src/lenet/preprocess.ts), a pure function, in Node:
// drawn shapes give the 28×28 digits computed here by hand (bounding box, scaling into 20×20 with
// the aspect ratio kept, area anti-aliasing, centring by the centre of mass), random blobs keep
// the invariants, and MNIST's own digits come back as they are (they were made this way).
import { describe, expect, it } from 'vitest';
import { readMnistPackage } from '../../examples/web/scripts/make-mnist.js';
import { centreOfMass, FRAME, inkBox, toMnist, type GreyImage } from '../../examples/web/src/lenet/preprocess.js';
import { expectClose, randomData } from '../helpers.js';

/** A width × height canvas with the rectangles [x, y, w, h] inked at `value`. */
function canvas(width: number, height: number, rects: [number, number, number, number][], value = 1): GreyImage {
  const data = new Float32Array(width * height);
  for (const [x0, y0, w, h] of rects) for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * width + x] = value;
  return { width, height, data };
}

/** The 28×28 frame with rows [r0, r1] × columns [c0, c1] (inclusive) set to v, in order. */
function frame(...blocks: [number, number, number, number, number][]): Float32Array {
  const out = new Float32Array(FRAME * FRAME);
  for (const [r0, r1, c0, c1, v] of blocks) for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) out[r * FRAME + c] = v;
  return out;
}

describe('MNIST-style preprocessing of a drawing', () => {
  it('finds the ink’s bounding box, and none on a blank canvas', () => {
    expect(
      inkBox(
        canvas(50, 40, [
          [7, 3, 4, 9],
          [20, 30, 1, 1],
        ]),
      ),
    ).toEqual({ x: 7, y: 3, width: 14, height: 28 });
    const faint = canvas(10, 10, [[2, 5, 1, 1]], 0.01);
    expect(inkBox(faint)).toEqual({ x: 2, y: 5, width: 1, height: 1 });
    expect(inkBox(canvas(10, 10, []))).toBeNull();
    expect(toMnist(canvas(10, 10, []))).toBeNull();
  });

  it('scales a single pixel up to a 20×20 square centred at (14, 14)', () => {
    // a 1×1 box: scale 20; centre of mass 9.5 → shift round(4.5) = 5 (Math.round takes ties up)
    expect(Array.from(toMnist(canvas(30, 30, [[17, 2, 1, 1]]))!)).toEqual(Array.from(frame([5, 24, 5, 24, 1])));
  });

  it('keeps the aspect ratio: a 2×4 bar becomes 10×20, wherever it was drawn', () => {
    // scale 20/4 = 5; centre of mass (4.5, 9.5) → shift (round 9.5, round 4.5) = (10, 5)
    const expected = Array.from(frame([5, 24, 10, 19, 1]));
    expect(Array.from(toMnist(canvas(50, 50, [[3, 40, 2, 4]]))!)).toEqual(expected);
    expect(Array.from(toMnist(canvas(90, 60, [[70, 1, 2, 4]]))!)).toEqual(expected);
  });

  it('grey levels where the scaled box cuts a pixel: a 3×2 block is 20 × 13⅓', () => {
    // scale 20/3: source row 0 covers output rows [0, 6⅔), row 1 [6⅔, 13⅓): rows 0–12 full, row
    // 13 a third. Centre of mass: x 9.5; y (0 + … + 12 + 13·⅓) / 13⅓ = 82⅓ / 13⅓ = 6.175,
    // so the shift is (round 4.5, round 7.825) = (5, 8)
    const got = toMnist(canvas(40, 40, [[10, 10, 3, 2]]))!;
    expectClose(got, frame([8, 20, 5, 24, 1], [21, 21, 5, 24, 1 / 3]), 1e-6, 0);
  });

  it('averages when it shrinks: a 40×40 drawing, left half full ink and right half half ink, becomes 20×20', () => {
    const img = canvas(40, 40, [[0, 0, 20, 40]]);
    for (let y = 0; y < 40; y++) for (let x = 20; x < 40; x++) img.data[y * 40 + x] = 0.5;
    // centre of mass: x (0 + … + 9 + ½(10 + … + 19)) / 15 = 117.5 / 15 = 7.83, y 9.5 → shift (6, 5)
    expectClose(toMnist(img)!, frame([5, 24, 6, 15, 1], [5, 24, 16, 25, 0.5]), 1e-6, 0);
  });

  it('centres an L by its centre of mass, not by its box', () => {
    // a 4×4 L (left column and bottom row) scaled by 5: a 5-wide bar of 20 rows and a 5-high bar
    // of 15 more columns, mass 175. x: (20·(0+…+4) + 5·(5+…+19)) / 175 = 1100/175 = 6.29 → shift 8;
    // y: (5·(0+…+19) + 15·(15+…+19)) / 175 = 2225/175 = 12.71 → shift 1
    const got = toMnist(
      canvas(20, 20, [
        [5, 5, 1, 4],
        [5, 8, 4, 1],
      ]),
    )!;
    expect(Array.from(got)).toEqual(Array.from(frame([1, 20, 8, 12, 1], [16, 20, 13, 27, 1])));
    const [cx, cy] = centreOfMass({ width: FRAME, height: FRAME, data: got })!;
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
  });

  it('on random blobs: values in [0, 1], the longer side 20 px, the ink scaled by s², the centre of mass within half a pixel of (14, 14)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const noise = randomData(6, seed).map((v) => (v + 1) / 2); // [0, 1)
      const [w, h] = [3 + Math.floor(noise[0] * 150), 3 + Math.floor(noise[1] * 150)];
      const img = canvas(160, 160, [[Math.floor(noise[2] * (160 - w)), Math.floor(noise[3] * (160 - h)), w, h]]);
      // grey ink that varies smoothly, so that the centre of mass is off the box's centre
      const box = inkBox(img)!;
      for (let y = box.y; y < box.y + h; y++) for (let x = box.x; x < box.x + w; x++) img.data[y * 160 + x] = 0.2 + (0.8 * (x - box.x)) / w;
      const out = toMnist(img)!;
      const s = 20 / Math.max(w, h);
      const inkIn = img.data.reduce((a, v) => a + v, 0);
      const inkOut = out.reduce((a, v) => a + v, 0);
      expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
      const outBox = inkBox({ width: FRAME, height: FRAME, data: out })!;
      expect(Math.max(outBox.width, outBox.height), `seed ${seed}`).toBe(20);
      expect(inkOut / (inkIn * s * s), `seed ${seed}`).toBeCloseTo(1, 4);
      const [cx, cy] = centreOfMass({ width: FRAME, height: FRAME, data: out })!;
      expect(Math.abs(cx - 14), `seed ${seed}`).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(Math.abs(cy - 14), `seed ${seed}`).toBeLessThanOrEqual(0.5 + 1e-9);
    }
  });

  it('gives MNIST’s own digits back: all 10,000 within a pixel of their centre of mass, 9,994 unchanged', () => {
    const digits = readMnistPackage();
    let unchanged = 0;
    for (let k = 0; k < digits.count; k++) {
      const img = { width: FRAME, height: FRAME, data: digits.pixels.subarray(k * FRAME * FRAME, (k + 1) * FRAME * FRAME) };
      const out = toMnist(img)!;
      const [cx, cy] = centreOfMass({ width: FRAME, height: FRAME, data: out })!;
      if (Math.abs(cx - 14) > 1 || Math.abs(cy - 14) > 1) expect.fail(`digit ${k}: centre of mass (${cx}, ${cy})`);
      if (out.every((v, i) => v === img.data[i])) unchanged++;
    }
    // the others moved by one pixel (4) or were rescaled (2 have a box of 19 px)
    expect(unchanged).toBe(9994);
  });
});
