// Paints the page's bundled picture, src/assets/lakeside.png: a small lakeside scene (sky, sun,
// clouds, two mountain ridges, a lake with their reflection, a house and pine trees) drawn from
// a fixed seed, so the picture is ours to ship and can be re-made byte for byte:
//   node examples/web/scripts/make-picture.mjs
// It has the features the kernels are about: hard vertical and horizontal edges (house, windows,
// shore), soft gradients (sky, glow) and fine texture (ripples, ridges).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const W = 256;
const H = 160;
const HORIZON = 104; // first row of the lake

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = mulberry32(20261125);

/** A ridge line: heights at each column by midpoint displacement, roughness halving per octave. */
function ridge(base, amplitude) {
  const n = 256; // a power of two ≥ W
  const h = new Float64Array(n + 1);
  h[0] = base + (random() - 0.5) * amplitude;
  h[n] = base + (random() - 0.5) * amplitude;
  for (let step = n, amp = amplitude; step > 1; step /= 2, amp *= 0.55) {
    for (let i = step / 2; i < n; i += step) h[i] = (h[i - step / 2] + h[i + step / 2]) / 2 + (random() - 0.5) * amp;
  }
  return h;
}

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const clamp01 = (v) => Math.min(1, Math.max(0, v));
const smooth = (e0, e1, x) => {
  const t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
};

const far = ridge(62, 44);
const near = ridge(84, 30);
const sun = { x: 188, y: 40, r: 11 };
const clouds = [
  { x: 60, y: 26, rx: 34, ry: 7 },
  { x: 96, y: 36, rx: 26, ry: 5 },
  { x: 222, y: 18, rx: 30, ry: 5 },
];

/** The scene above the waterline (also what the lake mirrors). */
function land(x, y) {
  const skyT = y / HORIZON;
  let c = mix([0.2, 0.4, 0.72], [0.98, 0.8, 0.58], skyT ** 1.3);
  const d = Math.hypot(x - sun.x, y - sun.y);
  c = mix(c, [1, 0.93, 0.7], 0.55 * Math.exp(-((d / 38) ** 2)));
  if (d < sun.r) c = [1, 0.97, 0.82];
  for (const k of clouds) {
    const e = ((x - k.x) / k.rx) ** 2 + ((y - k.y) / k.ry) ** 2;
    c = mix(c, [0.97, 0.95, 0.96], 0.85 * (1 - smooth(0.45, 1, e)));
  }
  if (y >= far[x]) c = mix([0.3, 0.33, 0.5], [0.45, 0.47, 0.6], (y - far[x]) / 40);
  if (y >= near[x]) {
    const slope = near[x + 1] - near[x];
    c = mix([0.2, 0.36, 0.2], [0.13, 0.25, 0.14], clamp01(0.5 + slope / 3));
    c = mix(c, [0.3, 0.28, 0.2], clamp01((y - near[x]) / 30));
  }
  return c;
}

/** The house and the pines stand on the shore and are drawn over the land (not mirrored). */
function foreground(x, y, c) {
  // house: walls x 40..84, y 78..104; roof a triangle up to y 60; two windows and a door
  if (x >= 40 && x < 84 && y >= 80 && y < HORIZON) {
    c = [0.86, 0.8, 0.68];
    const window1 = x >= 46 && x < 56 && y >= 85 && y < 94;
    const window2 = x >= 68 && x < 78 && y >= 85 && y < 94;
    if (window1 || window2) c = x % 10 === 0 || y === 89 ? [0.3, 0.25, 0.2] : [0.98, 0.86, 0.45];
    if (x >= 58 && x < 66 && y >= 90) c = [0.4, 0.24, 0.14];
  }
  if (y >= 60 && y < 80 && Math.abs(x - 62) <= ((y - 60) / 20) * 26) c = [0.62, 0.16, 0.12];
  for (const px of [16, 27, 100, 112, 232, 244]) {
    const top = 70 + ((px * 7) % 9);
    if (y >= top && y < HORIZON && Math.abs(x - px) <= ((y - top) / (HORIZON - top)) * 6 + 0.5) c = [0.07, 0.2, 0.12];
  }
  return c;
}

const png = Buffer.alloc(H * (1 + 3 * W));
for (let y = 0; y < H; y++) {
  png[y * (1 + 3 * W)] = 0; // PNG filter type "none" for this row
  for (let x = 0; x < W; x++) {
    let c;
    if (y < HORIZON) c = foreground(x, y, land(x, y));
    else {
      // mirror about the waterline with a ripple that grows towards the viewer; the water darkens
      const depth = (y - HORIZON) / (H - HORIZON);
      const ripple = Math.round(Math.sin(y * 1.7 + x * 0.05) * (1 + 3 * depth));
      const mx = Math.min(W - 1, Math.max(0, x + ripple));
      const my = Math.max(0, 2 * HORIZON - y - 1);
      c = mix(foreground(mx, my, land(mx, my)), [0.08, 0.18, 0.3], 0.35 + 0.4 * depth);
    }
    const grain = (random() - 0.5) * 0.02;
    for (let k = 0; k < 3; k++) png[y * (1 + 3 * W) + 1 + 3 * x + k] = Math.round(clamp01(c[k] + grain) * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  let crc = 0xffffffff;
  for (const b of body) crc = crcTable[(crc ^ b) & 0xff] ^ (crc >>> 8);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}
const header = Buffer.alloc(13);
header.writeUInt32BE(W, 0);
header.writeUInt32BE(H, 4);
header[8] = 8; // bits per channel
header[9] = 2; // colour type: RGB
const file = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(png, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('../src/assets/lakeside.png', import.meta.url);
writeFileSync(out, file);
console.log(`wrote ${out.pathname} (${W}x${H}, ${file.length} B)`);
