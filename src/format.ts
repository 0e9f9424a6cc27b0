// Printing in the style of PyTorch's _tensor_str: `tensor([[19., 25.], [37., 43.]])` laid out
// over lines, integers as `19.`, other values with 4 decimals, scientific notation when the
// magnitudes span too much, and edges only (with `...`) beyond 1000 elements.
import type { Tensor } from './tensor.js';

const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;

function formatter(values: Float32Array): (v: number) => string {
  const finite = Array.from(values).filter((v) => Number.isFinite(v));
  const nonzero = finite.map(Math.abs).filter((v) => v !== 0);
  const intMode = finite.every((v) => Number.isInteger(v));
  const max = nonzero.length ? Math.max(...nonzero) : 0;
  const min = nonzero.length ? Math.min(...nonzero) : 0;
  const sci = nonzero.length > 0 && (max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4));
  const sign = (v: number, s: string) => (Object.is(v, -0) ? `-${s}` : s);
  return (v: number) => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (sci) return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
    if (intMode) return sign(v, `${v.toFixed(0)}.`);
    return sign(v, v.toFixed(4));
  };
}

/** The elements printed (all, or only the edges of a summarised tensor). */
function shown(t: Tensor, summarize: boolean): Float32Array {
  if (!summarize) return t.data;
  const picked: number[] = [];
  const walk = (dim: number, offset: number, stride: number) => {
    const n = t.shape[dim];
    const inner = stride / n;
    const idx = n > 2 * EDGE ? [...range(0, EDGE), ...range(n - EDGE, n)] : range(0, n);
    for (const i of idx) {
      if (dim === t.ndim - 1) picked.push(t.data[offset + i]);
      else walk(dim + 1, offset + i * inner, inner);
    }
  };
  walk(0, 0, t.size);
  return new Float32Array(picked);
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

export function formatTensor(t: Tensor): string {
  const summarize = t.size > THRESHOLD;
  const fmt = formatter(shown(t, summarize));
  const width = Math.max(1, ...Array.from(shown(t, summarize), (v) => fmt(v).length));
  const cell = (v: number) => fmt(v).padStart(width);
  const prefix = 'tensor(';
  let body: string;
  if (t.ndim === 0) body = fmt(t.data[0]);
  else if (t.size === 0) body = '[]';
  else body = block(t, cell, width, summarize, 0, 0, prefix.length);
  const extras: string[] = [];
  if (t.size === 0 && t.ndim > 1) extras.push(`size=(${t.shape.join(', ')})`);
  if (t.gradFn) extras.push(`grad_fn=<${t.gradFn.op[0].toUpperCase()}${t.gradFn.op.slice(1)}Backward>`);
  else if (t.requiresGrad) extras.push('requires_grad=True');
  return `${prefix}${body}${extras.map((e) => `, ${e}`).join('')})`;
}

function block(
  t: Tensor,
  cell: (v: number) => string,
  width: number,
  summarize: boolean,
  dim: number,
  offset: number,
  indent: number,
): string {
  const n = t.shape[dim];
  const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const cut = summarize && n > 2 * EDGE;
  const idx = cut ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
  if (dim === t.ndim - 1) {
    const items = idx.map((i) => (i < 0 ? '...' : cell(t.data[offset + i])));
    const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent - 1) / (width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const sep = `,${'\n'.repeat(t.ndim - dim - 1)}${' '.repeat(indent + 1)}`;
  const rows = idx.map((i) => (i < 0 ? '...' : block(t, cell, width, summarize, dim + 1, offset + i * stride, indent + 1)));
  return `[${rows.join(sep)}]`;
}
