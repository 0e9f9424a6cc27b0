// 2-D padding through index maps (see PadPlan in ../types.ts): a gather forward, a scatter-add
// backward, one map look-up per element.
import type { PadKernels } from '../types.js';

export const pad: PadKernels = {
  pad(x, out, { planes, h, w, oh, ow, maps }, value) {
    for (let p = 0; p < planes; p++) {
      for (let i = 0; i < oh; i++) {
        const r = maps[i];
        const o = (p * oh + i) * ow;
        const xr = (p * h + r) * w;
        for (let j = 0; j < ow; j++) {
          const c = maps[oh + j];
          out[o + j] = r < 0 || c < 0 ? value : x[xr + c];
        }
      }
    }
  },
  padGrad(g, dx, { planes, h, w, oh, ow, maps }) {
    for (let p = 0; p < planes; p++) {
      for (let i = 0; i < oh; i++) {
        const r = maps[i];
        if (r < 0) continue;
        const o = (p * oh + i) * ow;
        const dr = (p * h + r) * w;
        for (let j = 0; j < ow; j++) {
          const c = maps[oh + j];
          if (c >= 0) dx[dr + c] += g[o + j];
        }
      }
    }
  },
};
