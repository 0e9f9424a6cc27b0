// §3 Convolution as a matrix product, two ways. kernelToMatrix builds the sparse (Toeplitz)
// matrix W with one row per output pixel, so corr2d(X, K) = W · vec(X). im2col (unfold) instead
// copies every kernel-sized patch of X into a column, so corr2d(X, K) = vec(K)ᵀ · cols: W is
// mostly zeros, im2col repeats each pixel up to kh·kw times; both are plain matmuls.
import * as wc from 'wasmconv';
import type { Tensor } from 'wasmconv';
import { el, equation } from '../view/dom.js';
import { heatmap } from '../view/heatmap.js';

interface Example {
  label: string;
  make(): { X: Tensor; K: Tensor };
}

const EXAMPLES: Record<string, Example> = {
  notebook: {
    label: '3×3 input, 2×2 kernel (the notebook’s X and V)',
    make: () => ({ X: wc.arange(9).reshape(3, 3), K: wc.arange(4).reshape(2, 2) }),
  },
  sobel: {
    label: '4×5 input, 3×3 Sobel kernel',
    make: () => ({
      X: wc.arange(20).reshape(4, 5),
      K: wc.tensor([
        [1, 0, -1],
        [2, 0, -2],
        [1, 0, -1],
      ]),
    }),
  },
  edges: {
    label: 'the 6×8 image, edge kernel [-1, 1]',
    make: () => {
      const X = wc.ones([6, 8]);
      X.set(':, 2:6', 0);
      return { X, K: wc.tensor([[-1, 1]]) };
    },
  },
};

/** Width in px of each of the two products drawn side by side. */
const WAY_WIDTH = 440;

export function mountMatrix(root: HTMLElement): void {
  const select = el('select', { name: 'example' }, ...Object.entries(EXAMPLES).map(([key, e]) => el('option', { value: key }, e.label)));
  const body = el('div');
  root.append(el('div', { class: 'controls' }, el('label', { class: 'field' }, 'example ', select)), body);
  const render = () => body.replaceChildren(...explain(EXAMPLES[select.value].make()));
  select.addEventListener('change', render);
  render();
}

function explain({ X, K }: { X: Tensor; K: Tensor }): HTMLElement[] {
  const [H, W] = X.shape;
  const [kh, kw] = K.shape;
  const [Ho, Wo] = [H - kh + 1, W - kw + 1];
  const direct = wc.corr2d(X, K);

  const sparse = wc.kernelToMatrix(K, [H, W]);
  const viaSparse = wc.matmul(sparse, X.reshape(H * W, 1));
  const cols = wc.unfold(X.reshape(1, 1, H, W), [kh, kw]).reshape(kh * kw, Ho * Wo);
  const viaCols = wc.matmul(K.reshape(1, kh * kw), cols);

  const nonzeros = sparse.data.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
  const maxDiff = (t: Tensor) => t.data.reduce((m, v, i) => Math.max(m, Math.abs(v - direct.data[i])), 0);
  // one cell size per product, so that a matrix's columns and the rows of the vector it multiplies
  // have the same length on screen
  const sparseCell = Math.min(28, Math.floor(WAY_WIDTH / (H * W + 2)));
  const colsCell = Math.min(28, Math.floor(WAY_WIDTH / (kh * kw + Ho * Wo + 2)));
  return [
    equation(heatmap(X, { name: 'X' }), '⋆', heatmap(K, { name: 'K' }), '=', heatmap(direct, { name: 'corr2d(X, K)' })),
    el(
      'div',
      { class: 'two-ways' },
      el(
        'div',
        { class: 'way' },
        el('h3', {}, 'sparse matrix: kernelToMatrix(K, [H, W]) · vec(X)'),
        equation(
          heatmap(sparse, { name: 'W', sparse: true, cell: sparseCell }),
          '·',
          heatmap(X.reshape(H * W, 1), { name: 'vec(X)', cell: sparseCell }),
          '=',
          heatmap(viaSparse, { name: 'W · vec(X)', cell: sparseCell }),
        ),
        el(
          'p',
          { class: 'note' },
          `W is [${Ho}·${Wo}, ${H}·${W}] = [${Ho * Wo}, ${H * W}]: ${nonzeros} of ${sparse.size} entries are non-zero ` +
            `(${Math.round((100 * nonzeros) / sparse.size)}%); each row is the kernel shifted to one output pixel.`,
        ),
      ),
      el(
        'div',
        { class: 'way' },
        el('h3', {}, 'im2col: vec(K)ᵀ · unfold(X, [kh, kw])'),
        equation(
          heatmap(K.reshape(1, kh * kw), { name: 'vec(K)ᵀ', cell: colsCell }),
          '·',
          heatmap(cols, { name: 'cols', cell: colsCell }),
          '=',
          heatmap(viaCols, { name: 'vec(K)ᵀ · cols', cell: colsCell }),
        ),
        el(
          'p',
          { class: 'note' },
          `cols is [${kh}·${kw}, ${Ho}·${Wo}] = [${kh * kw}, ${Ho * Wo}]: ${cols.size} entries from ${X.size} pixels, ` +
            `one column per output pixel holding the patch under the kernel.`,
        ),
      ),
    ),
    el(
      'p',
      { class: 'check', 'data-check': 'matrix' },
      `reshaped to [${Ho}, ${Wo}], both equal corr2d(X, K): largest difference ${maxDiff(viaSparse)} (sparse) and ${maxDiff(viaCols)} (im2col).`,
    ),
  ];
}
