// Float64 references of 2-D pooling, written from the definitions in PyTorch's documentation
// (torch.nn.MaxPool2d, AvgPool2d, AdaptiveAvgPool2d) with plain index arithmetic over every tap
// of every window, padding included, and no code shared with the library. Data is flat and
// row-major, [N, C, H, W] (planes pool alike, so N·C is one dimension here).

export type Pair = [number, number];

export interface PoolRefOptions {
  kernel: Pair;
  /** Default: the kernel. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number;
}

/**
 * The output length along a dimension of n: floor((n + 2p − d(k−1) − 1)/s) + 1, or with ceil
 * mode the ceiling, less one if the last window would start past the input (the note in
 * torch.nn.MaxPool2d's docs: "sliding windows are only allowed to go off-bounds if they start
 * within the left padding or the input").
 */
export function pooledOutSize(n: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  const q = (n + 2 * p - d * (k - 1) - 1) / s;
  const out = (ceilMode ? Math.ceil(q) : Math.floor(q)) + 1;
  return ceilMode && (out - 1) * s - p >= n ? out - 1 : out;
}

interface Windows {
  outH: number;
  outW: number;
  /** Calls f(a, b) with the input row and column of each tap of window (i, j), padding taps included. */
  taps(i: number, j: number, f: (r: number, c: number) => void): void;
}

function windows([, , h, w]: readonly number[], o: PoolRefOptions): Windows {
  const [kh, kw] = o.kernel;
  const [sh, sw] = o.stride ?? o.kernel;
  const [ph, pw] = o.padding ?? [0, 0];
  const [dh, dw] = o.dilation ?? [1, 1];
  return {
    outH: pooledOutSize(h, kh, sh, ph, dh, o.ceilMode ?? false),
    outW: pooledOutSize(w, kw, sw, pw, dw, o.ceilMode ?? false),
    taps(i, j, f) {
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) f(i * sh - ph + a * dh, j * sw - pw + b * dw);
    },
  };
}

export interface MaxPoolRef {
  data: Float64Array;
  shape: number[];
  /** The plane index of each output's first maximum in scan order (its last NaN), −1 for none. */
  argmax: Int32Array;
}

/**
 * Max over each window with padding as −Inf: scanning the taps row-major, a tap replaces the
 * max when it is larger or NaN (so ties keep the first, NaN wins); a window of padding alone is −Inf.
 */
export function maxPoolRef(x: ArrayLike<number>, shape: readonly number[], o: PoolRefOptions): MaxPoolRef {
  const [n, c, h, w] = shape;
  const win = windows(shape, o);
  const data = new Float64Array(n * c * win.outH * win.outW);
  const argmax = new Int32Array(data.length);
  for (let p = 0, q = 0; p < n * c; p++) {
    for (let i = 0; i < win.outH; i++) {
      for (let j = 0; j < win.outW; j++, q++) {
        let best = -Infinity;
        let at = -1;
        win.taps(i, j, (r, col) => {
          if (r < 0 || r >= h || col < 0 || col >= w) return;
          const v = x[(p * h + r) * w + col];
          if (at < 0 || v > best || Number.isNaN(v)) [best, at] = [v, r * w + col];
        });
        data[q] = best;
        argmax[q] = at;
      }
    }
  }
  return { data, shape: [n, c, win.outH, win.outW], argmax };
}

/** The input gradient of max pooling: each output's gradient onto its argmax. */
export function maxPoolGradRef(dy: ArrayLike<number>, ref: MaxPoolRef, shape: readonly number[]): Float64Array {
  const [n, c, h, w] = shape;
  const plane = ref.shape[2] * ref.shape[3];
  const dx = new Float64Array(n * c * h * w);
  for (let q = 0; q < ref.argmax.length; q++) if (ref.argmax[q] >= 0) dx[Math.floor(q / plane) * h * w + ref.argmax[q]] += dy[q];
  return dx;
}

/**
 * Calls f(plane, q, taps inside the input, divisor) for each avg pooling window: the divisor is
 * divisorOverride, else the number of taps inside the padded input (countIncludePad, the
 * default) or inside the input.
 */
function eachAvgWindow(
  shape: readonly number[],
  o: PoolRefOptions,
  f: (p: number, q: number, inside: number[], divisor: number) => void,
): number[] {
  const [n, c, h, w] = shape;
  const [ph, pw] = o.padding ?? [0, 0];
  const win = windows(shape, o);
  for (let p = 0, q = 0; p < n * c; p++) {
    for (let i = 0; i < win.outH; i++) {
      for (let j = 0; j < win.outW; j++, q++) {
        const inside: number[] = [];
        let padded = 0;
        win.taps(i, j, (r, col) => {
          if (r >= -ph && r < h + ph && col >= -pw && col < w + pw) padded++;
          if (r >= 0 && r < h && col >= 0 && col < w) inside.push(r * w + col);
        });
        f(p, q, inside, o.divisorOverride ?? ((o.countIncludePad ?? true) ? padded : inside.length));
      }
    }
  }
  return [n, c, win.outH, win.outW];
}

export function avgPoolRef(x: ArrayLike<number>, shape: readonly number[], o: PoolRefOptions): { data: Float64Array; shape: number[] } {
  const [, , h, w] = shape;
  const values: number[] = [];
  const out = eachAvgWindow(shape, o, (p, q, inside, divisor) => {
    values[q] = inside.reduce((s, at) => s + x[p * h * w + at], 0) / divisor;
  });
  return { data: Float64Array.from(values), shape: out };
}

export function avgPoolGradRef(dy: ArrayLike<number>, shape: readonly number[], o: PoolRefOptions): Float64Array {
  const [n, c, h, w] = shape;
  const dx = new Float64Array(n * c * h * w);
  eachAvgWindow(shape, o, (p, q, inside, divisor) => {
    for (const at of inside) dx[p * h * w + at] += dy[q] / divisor;
  });
  return dx;
}

/** Adaptive pooling's window i of `out` over n: [floor(i·n/out), ceil((i+1)·n/out)) (torch.nn.AdaptiveAvgPool2d). */
function adaptiveRange(i: number, out: number, n: number): number[] {
  const start = Math.floor((i * n) / out);
  const end = Math.ceil(((i + 1) * n) / out);
  return Array.from({ length: end - start }, (_, k) => start + k);
}

function eachAdaptiveWindow(shape: readonly number[], [oh, ow]: Pair, f: (p: number, q: number, inside: number[]) => void): void {
  const [n, c, , w] = shape;
  for (let p = 0, q = 0; p < n * c; p++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, q++) {
        const cols = adaptiveRange(j, ow, w);
        f(
          p,
          q,
          adaptiveRange(i, oh, shape[2]).flatMap((r) => cols.map((col) => r * w + col)),
        );
      }
    }
  }
}

export function adaptiveAvgPoolRef(x: ArrayLike<number>, shape: readonly number[], size: Pair): { data: Float64Array; shape: number[] } {
  const [n, c, h, w] = shape;
  const data = new Float64Array(n * c * size[0] * size[1]);
  eachAdaptiveWindow(shape, size, (p, q, inside) => {
    data[q] = inside.reduce((s, at) => s + x[p * h * w + at], 0) / inside.length;
  });
  return { data, shape: [n, c, ...size] };
}

export function adaptiveAvgPoolGradRef(dy: ArrayLike<number>, shape: readonly number[], size: Pair): Float64Array {
  const [n, c, h, w] = shape;
  const dx = new Float64Array(n * c * h * w);
  eachAdaptiveWindow(shape, size, (p, q, inside) => {
    for (const at of inside) dx[p * h * w + at] += dy[q] / inside.length;
  });
  return dx;
}
