// Class probabilities as horizontal bars, one row per class, the likeliest highlighted. The
// element carries the values (data-values), so what it shows can be read back, e.g. by the tests.
import { el } from './dom.js';

export class ProbabilityBars {
  readonly element: HTMLElement;
  private readonly rows: { bar: HTMLElement; value: HTMLElement; row: HTMLElement }[];

  constructor(classes: string[], label: string) {
    this.rows = classes.map((name) => {
      const bar = el('span', { class: 'fill' });
      const value = el('span', { class: 'value' }, '–');
      const row = el('li', {}, el('span', { class: 'class' }, name), el('span', { class: 'track', 'aria-hidden': 'true' }, bar), value);
      return { bar, value, row };
    });
    this.element = el('ol', { class: 'probabilities', 'aria-label': label }, ...this.rows.map((r) => r.row));
    this.show(null);
  }

  /** Shows `p` (one probability per class), or empty bars for null. */
  show(p: ArrayLike<number> | null): void {
    let best = -1;
    if (p) for (let k = 0; k < p.length; k++) if (best < 0 || p[k] > p[best]) best = k;
    this.rows.forEach(({ bar, value, row }, k) => {
      const v = p ? p[k] : 0;
      bar.style.width = `${(100 * v).toFixed(1)}%`;
      value.textContent = p ? `${(100 * v).toFixed(1)}%` : '–';
      row.classList.toggle('best', k === best);
    });
    this.element.dataset.values = p ? JSON.stringify(Array.from(p)) : '';
  }
}
