// A drawing made into a digit as MNIST's were made (LeCun, Cortes & Burges, "The MNIST database"):
// "the images were size normalized to fit in a 20x20 pixel box while preserving their aspect
// ratio. The resulting images contain grey levels as a result of the anti-aliasing technique used
// by the normalization algorithm. The images were centered in a 28x28 image by computing the
// center of mass of the pixels, and translating the image so as to position this point at the
// center of the 28x28 field." So:
//   1. the ink's bounding box (pixels > 0);
//   2. scaled by s = 20 / its longer side, anti-aliased by area: an output pixel's value is the
//      ink under its square, Σ ink(x, y) · overlap(pixel, x, y), where a source pixel covers an
//      s × s square (an average when shrinking, a copy when growing);
//   3. shifted by whole pixels so that the centre of mass Σ v·(col, row) / Σ v lands on pixel
//      (14, 14): where MNIST's digits have theirs (the mean over the package's 10,000 is
//      (14.00, 14.00) in row and column indices, no digit more than 1.5 px away).
// Values stay in [0, 1] with ink 1 on a background of 0: the polarity and range of the training data.

/** A grey image: 0 = no ink, 1 = full ink, `width · height` values row by row. */
export interface GreyImage {
  width: number;
  height: number;
  data: Float32Array;
}

export const FRAME = 28;
const BOX = 20;
const CENTRE = 14;

/** The smallest rectangle holding every inked pixel (value > 0), or null for a blank image. */
export function inkBox(img: GreyImage): { x: number; y: number; width: number; height: number } | null {
  let [x0, y0, x1, y1] = [img.width, img.height, -1, -1];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x] > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** The centre of mass (column, row) of a grey image, in pixel indices; null when it has no ink. */
export function centreOfMass(img: GreyImage): [number, number] | null {
  let [mass, sx, sy] = [0, 0, 0];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x];
      mass += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return mass > 0 ? [sx / mass, sy / mass] : null;
}

/** The 28×28 digit MNIST would have made of `img` (FRAME² values in [0, 1]), or null when it is blank. */
export function toMnist(img: GreyImage): Float32Array | null {
  const box = inkBox(img);
  if (!box) return null;
  const scale = BOX / Math.max(box.width, box.height);
  const scaled = resample(img, box, scale);
  const [cx, cy] = centreOfMass(scaled)!;
  const [dx, dy] = [Math.round(CENTRE - cx), Math.round(CENTRE - cy)];
  const out = new Float32Array(FRAME * FRAME);
  for (let y = Math.max(0, -dy); y < Math.min(scaled.height, FRAME - dy); y++) {
    for (let x = Math.max(0, -dx); x < Math.min(scaled.width, FRAME - dx); x++) {
      out[(y + dy) * FRAME + x + dx] = Math.min(1, scaled.data[y * scaled.width + x]);
    }
  }
  return out;
}

/** The box of `img` scaled by `scale`, each output pixel the area-weighted ink under it (step 2). */
function resample(img: GreyImage, box: { x: number; y: number; width: number; height: number }, scale: number): GreyImage {
  const cols = overlaps(box.width, scale);
  const rows = overlaps(box.height, scale);
  const width = cols.length;
  const height = rows.length;
  // separable: first along each row of the box, then along each column
  const across = new Float32Array(box.height * width);
  for (let y = 0; y < box.height; y++) {
    const row = (box.y + y) * img.width + box.x;
    cols.forEach((taps, i) => {
      for (const [x, w] of taps) across[y * width + i] += img.data[row + x] * w;
    });
  }
  const data = new Float32Array(height * width);
  rows.forEach((taps, j) => {
    for (const [y, w] of taps) for (let i = 0; i < width; i++) data[j * width + i] += across[y * width + i] * w;
  });
  return { width, height, data };
}

/**
 * For each output pixel i of n source pixels scaled by `scale`, the source pixels under it and
 * how much of it each covers: source pixel k spans [k·scale, (k+1)·scale) in output pixels.
 */
function overlaps(n: number, scale: number): [number, number][][] {
  // n·scale is 20 up to rounding for the longer side: a last sliver of 1e-9 px is no pixel
  const out: [number, number][][] = Array.from({ length: Math.ceil(n * scale - 1e-9) }, () => []);
  for (let k = 0; k < n; k++) {
    const [start, end] = [k * scale, (k + 1) * scale];
    for (let i = Math.floor(start); i < Math.min(out.length, Math.ceil(end)); i++) {
      const w = Math.min(end, i + 1) - Math.max(start, i);
      if (w > 0) out[i].push([k, w]);
    }
  }
  return out;
}
