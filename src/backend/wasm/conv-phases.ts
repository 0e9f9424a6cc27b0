// conv2d's input gradient as forward convolutions of dY, so that the wasm backend runs it on the
// forward's gather + GEMM instead of a GEMM and a col2im scatter. From the forward
//   y[co, oy, ox] = sum_{ci, ky, kx} w[co, ci, ky, kx] · x[ci, oy·sh + ky·dh − pt, ox·sw + kx·dw − pl]
// the input gradient is
//   dx[ci, y, x] = sum over (co, ky, kx) and the (oy, ox) with y = oy·sh + ky·dh − pt, x = ox·sw + kx·dw − pl.
// Split the pixels by stride phase, y = a + sh·Y with a in [0, sh). A tap ky reaches phase a only
// if sh divides a + pt − ky·dh; those taps are ky0, ky0 + q, ky0 + 2q, ... with q = sh / gcd(sh, dh),
// and they read oy = Y − e(ky), e(ky) = (ky·dh − a − pt) / sh, which grows by dh / gcd(sh, dh) from
// one tap to the next. Taking them in reverse order, m = M−1 .. 0, phase (a, b) is an ordinary
// stride-1 convolution of dY:
//   dx[ci, a + sh·Y, b + sw·X] = sum_{co, m, n} w'[ci, co, m, n] · dY[co, Y + m·dh' − e_last, X + n·dw' − f_last]
// with w' the kernel with input and output channels swapped and the phase's taps flipped, dilation
// dh' = dh / gcd(sh, dh), top padding e_last = e(last tap) (negative: dY's first rows are never
// read) and ceil((h − a) / sh) output rows. For stride 1 there is one phase holding every tap: the
// familiar "input gradient = full convolution with the flipped kernel". A phase with no tap adds
// nothing (those pixels are read by no window).
// The phases multiply every tap of their window, also those that fall on dY's padding: with
// little padding (convs that keep the image size, strided ones) that is next to nothing, but a
// 'valid' 5×5 conv of a 14×14 image pads its 10×10 dY to 18×18, and its 6 input channels fill
// 6 of the kernel's 8 channel lanes, so that the caller may take col2im instead (./conv.ts
// gradInputByCol2im).
import type { ConvGeometry } from '../types.js';

/** One phase: its convolution of dY, and where its pixels and taps sit in dX and w. */
export interface InputGradPhase {
  conv: ConvGeometry;
  /** dX pixel (a + sh·Y, b + sw·X) is the phase's output pixel (Y, X). */
  a: number;
  b: number;
  /** The phase's tap rows are ky0, ky0 + kyStep, ...; likewise its columns. */
  ky0: number;
  kyStep: number;
  kx0: number;
  kxStep: number;
}

/** The taps of one axis that reach phase `a`, and the phase's window along that axis. */
interface AxisPhase {
  first: number;
  step: number;
  taps: number;
  pad: number;
  dilation: number;
  out: number;
}

function axisPhase(size: number, k: number, stride: number, pad: number, dilation: number, a: number): AxisPhase | null {
  const out = Math.ceil((size - a) / stride);
  const taps: number[] = [];
  for (let t = 0; t < k; t++) if ((((a + pad - t * dilation) % stride) + stride) % stride === 0) taps.push(t);
  if (out <= 0 || taps.length === 0) return null;
  const step = taps.length > 1 ? taps[1] - taps[0] : 1;
  return {
    first: taps[0],
    step,
    taps: taps.length,
    pad: (taps[taps.length - 1] * dilation - a - pad) / stride,
    dilation: (step * dilation) / stride,
    out,
  };
}

/** The phases of conv2d's input gradient for geometry g, those that add anything. */
export function inputGradPhases(g: ConvGeometry): InputGradPhase[] {
  const win = g.window;
  const phases: InputGradPhase[] = [];
  for (let a = 0; a < win.strideH; a++) {
    const ry = axisPhase(win.h, win.kh, win.strideH, win.padTop, win.dilationH, a);
    if (!ry) continue;
    for (let b = 0; b < win.strideW; b++) {
      const rx = axisPhase(win.w, win.kw, win.strideW, win.padLeft, win.dilationW, b);
      if (!rx) continue;
      const outPerGroup = g.outChannels / g.groups;
      phases.push({
        conv: {
          batch: g.batch,
          groups: g.groups,
          outChannels: g.groups * win.c,
          window: {
            c: outPerGroup,
            h: win.outH,
            w: win.outW,
            kh: ry.taps,
            kw: rx.taps,
            strideH: 1,
            strideW: 1,
            padTop: ry.pad,
            padLeft: rx.pad,
            dilationH: ry.dilation,
            dilationW: rx.dilation,
            outH: ry.out,
            outW: rx.out,
          },
        },
        a,
        b,
        ky0: ry.first,
        kyStep: ry.step,
        kx0: rx.first,
        kxStep: rx.step,
      });
    }
  }
  return phases;
}
