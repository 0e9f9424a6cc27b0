// Values written as Python writes them, for the layers' extraRepr(): a module prints what
// PyTorch's repr prints for the same layer (`Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))`).

/**
 * Python's repr of a float: the shortest digits that read back (as JavaScript's), with a '.0' on
 * whole numbers, and scientific notation below 1e-4 and from 1e16 with a two-digit exponent
 * (1e-05, 0.1, 1.0, 1e+16).
 */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const [digits, exponent] = v.toExponential().split('e');
  const e = Number(exponent);
  if (e < -4 || e >= 16) return `${digits}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const fixed = String(v);
  return /[.]/.test(fixed) ? fixed : `${fixed}.0`;
}

/** A value as PyTorch's extra_repr formats it: True/False, None, (a, b) for arrays, numbers and strings bare. */
export function pyValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return v.length === 1 ? `(${pyValue(v[0])},)` : `(${v.map(pyValue).join(', ')})`;
  return String(v);
}
