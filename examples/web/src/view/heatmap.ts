// A 2-D tensor drawn as a grid of coloured cells with its values written in them. The element
// also carries the values (data-values, data-shape), so what the page shows can be read back
// exactly, e.g. by the browser tests.
import type { Tensor } from 'wasmconv';
import { el } from './dom.js';

export interface HeatmapOptions {
  /** Caption, and the data-name the tests look the figure up by. */
  name: string;
  /** 'gray': low black, high white (images). 'diverging': negative blue, 0 white, positive red. */
  colors?: 'gray' | 'diverging';
  /** Draw exact zeros as faint dots, so the structure of a sparse matrix stands out. */
  sparse?: boolean;
  /** Cell size in px (default 34); values are written in cells of 20 px and more. */
  cell?: number;
  /** Width in px the grid may take: cells shrink to fit. */
  maxWidth?: number;
}

const NEGATIVE = [33, 102, 172];
const POSITIVE = [178, 24, 43];
const MIN_CELL_WITH_TEXT = 20;

export function heatmap(t: Tensor, opts: HeatmapOptions): HTMLElement {
  if (t.ndim !== 2) throw new RangeError(`heatmap: ${opts.name} must be 2-D, got shape [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape;
  const values = t.data;
  const cell = Math.max(4, Math.min(opts.cell ?? 34, Math.floor((opts.maxWidth ?? Infinity) / cols) - 1));
  const color = colorScale(values, opts.colors ?? 'diverging');
  const grid = el('div', {
    class: 'grid',
    style: `grid-template-columns: repeat(${cols}, ${cell}px); grid-auto-rows: ${cell}px; font-size: ${Math.min(13, Math.max(9, cell * 0.36))}px`,
  });
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i];
    const title = `[${Math.floor(i / cols)}, ${i % cols}] = ${v}`;
    if (opts.sparse && v === 0) {
      grid.append(el('div', { class: 'cell zero', title }, cell >= MIN_CELL_WITH_TEXT ? '·' : ''));
      continue;
    }
    const [r, g, b] = color(v);
    const dark = 0.299 * r + 0.587 * g + 0.114 * b < 140;
    grid.append(
      el(
        'div',
        { class: 'cell', title, style: `background: rgb(${r}, ${g}, ${b}); color: ${dark ? '#fff' : '#111'}` },
        cell >= MIN_CELL_WITH_TEXT ? formatValue(v) : '',
      ),
    );
  }
  return el(
    'figure',
    { class: 'heatmap', 'data-name': opts.name, 'data-shape': t.shape.join(','), 'data-values': JSON.stringify(Array.from(values)) },
    grid,
    el('figcaption', {}, `${opts.name} `, el('span', { class: 'shape' }, `[${t.shape.join(', ')}]`)),
  );
}

/** Short text for a cell: integers as they are, other values with two decimals. */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v === 0 ? 0 : v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function colorScale(values: Float32Array, kind: 'gray' | 'diverging'): (v: number) => number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (kind === 'gray') {
    const span = hi - lo || 1;
    return (v) => {
      const level = Math.round(((v - lo) / span) * 255);
      return [level, level, level];
    };
  }
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  return (v) => divergingColor(v / m);
}

/** RGB for t in [-1, 1]: blue, white at 0, red; by default on a square-root ramp so small values still show. */
export function divergingColor(t: number, gamma = 0.5): number[] {
  const end = t < 0 ? NEGATIVE : POSITIVE;
  const w = Math.min(1, Math.abs(t)) ** gamma;
  return end.map((c) => Math.round(255 + (c - 255) * w));
}
