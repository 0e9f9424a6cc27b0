// §1 The notebook's 2-D cross-correlation: corr2d on arange, then the 6×8 black-and-white image
// and its edge map. Clicking a pixel of the image flips it and recomputes the edge map.
import * as wc from 'wasmconv';
import { el, equation } from '../view/dom.js';
import { heatmap } from '../view/heatmap.js';

export function mountCorrelation(root: HTMLElement): void {
  const X = wc.arange(9).reshape(3, 3);
  const V = wc.arange(4).reshape(2, 2);
  root.append(equation(heatmap(X, { name: 'X' }), '⋆', heatmap(V, { name: 'V' }), '=', heatmap(wc.corr2d(X, V), { name: 'corr2d(X, V)' })));

  const image = wc.ones([6, 8]);
  image.set(':, 2:6', 0);
  const edge = wc.tensor([[-1, 1]]);
  const edges = el('div', { class: 'edges' });
  const render = () => {
    const picture = heatmap(image, { name: 'image', colors: 'gray' });
    picture.classList.add('editable');
    picture.querySelectorAll('.cell').forEach((cell, i) =>
      cell.addEventListener('click', () => {
        image.data[i] = 1 - image.data[i];
        render();
      }),
    );
    edges.replaceChildren(equation(picture, '⋆', heatmap(edge, { name: 'K' }), '=', heatmap(wc.corr2d(image, edge), { name: 'edges' })));
  };
  render();
  root.append(edges);
}
