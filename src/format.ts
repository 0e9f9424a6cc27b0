// Printing as PyTorch's torch/_tensor_str.py does with its default options (precision 4,
// threshold 1000, edgeitems 3, linewidth 80): `tensor([[19., 25.], [37., 43.]])` laid out over
// lines, integers as `19.`, other values with 4 decimals, scientific notation when the
// magnitudes span too much, and only the edges (with `...`) beyond 1000 elements.
import type { Tensor } from './tensor.js';

const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;
const PRECISION = 4;

/**
 * Python's `format(v, '.{digits}f')` or `'.{digits}e'`. JavaScript's toFixed/toExponential round
 * an exact tie away from zero where Python rounds it to even (1.03125 → 1.0312), drop the sign of
 * -0, and write exponents with one digit where Python uses two.
 */
function pyFormat(v: number, digits: number, sci: boolean): string {
  if (v < 0 || Object.is(v, -0)) return `-${pyFormat(-v, digits, sci)}`;
  const fmt = (d: number) => (sci ? v.toExponential(d) : v.toFixed(d));
  // 100 digits show exactly every float32 short enough to sit on a tie
  const [mantissa, exponent] = fmt(100).split('e');
  const point = mantissa.indexOf('.');
  const kept = mantissa.slice(0, digits > 0 ? point + 1 + digits : point);
  const tieToEven = /^50*$/.test(mantissa.slice(point + 1 + digits)) && Number(kept.at(-1)) % 2 === 0;
  const s = tieToEven ? (exponent === undefined ? kept : `${kept}e${exponent}`) : fmt(digits);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** PyTorch's _Formatter: the mode and the width come from the nonzero finite values only. */
function formatter(values: Float32Array): { width: number; format: (v: number) => string } {
  const nonzero = Array.from(values).filter((v) => Number.isFinite(v) && v !== 0);
  const abs = nonzero.map(Math.abs);
  const max = abs.reduce((a, b) => Math.max(a, b), 0);
  const min = abs.reduce((a, b) => Math.min(a, b), Infinity);
  const intMode = nonzero.every((v) => Number.isInteger(v));
  const sci = nonzero.length > 0 && (max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4));
  const plain = (v: number): string => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (sci) return pyFormat(v, PRECISION, true);
    return intMode ? `${pyFormat(v, 0, false)}.` : pyFormat(v, PRECISION, false);
  };
  const width = Math.max(1, ...nonzero.map((v) => plain(v).length));
  return { width, format: (v) => plain(v).padStart(width) };
}

/** The elements printed (all, or only the edges of a summarised tensor): get_summarized_data. */
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
  const prefix = 'tensor(';
  const summarize = t.size > THRESHOLD;
  const { width, format } = formatter(shown(t, summarize));
  let body: string;
  if (t.ndim === 0) body = format(t.data[0]);
  else if (t.size === 0) body = '[]';
  else body = block(t, format, width, summarize, 0, 0, prefix.length);
  const suffixes: string[] = [];
  if (t.size === 0 && t.ndim !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
  if (t.gradFn) suffixes.push(`grad_fn=<${t.gradFn.op[0].toUpperCase()}${t.gradFn.op.slice(1)}Backward0>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, prefix.length);
}

/** PyTorch's _add_suffixes: a suffix moves to its own line when the last line would pass 80. */
function addSuffixes(s: string, suffixes: string[], indent: number): string {
  let out = s;
  let lastLine = s.length - s.lastIndexOf('\n') + 1; // PyTorch's count, 2 more than the line
  for (const suffix of suffixes) {
    if (lastLine + suffix.length + 2 > LINE_WIDTH) {
      out += `,\n${' '.repeat(indent)}${suffix}`;
      lastLine = indent + suffix.length;
    } else {
      out += `, ${suffix}`;
      lastLine += suffix.length + 2;
    }
  }
  return `${out})`;
}

function block(
  t: Tensor,
  format: (v: number) => string,
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
    const items = idx.map((i) => (i < 0 ? ' ...' : format(t.data[offset + i])));
    const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const sep = `,${'\n'.repeat(t.ndim - dim - 1)}${' '.repeat(indent + 1)}`;
  const rows = idx.map((i) => (i < 0 ? '...' : block(t, format, width, summarize, dim + 1, offset + i * stride, indent + 1)));
  return `[${rows.join(sep)}]`;
}
