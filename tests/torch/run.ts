// Runs one PyTorch fixture case through wasmconv's public API as a user would: fresh leaf tensors
// for the inputs (requiresGrad where PyTorch took a gradient), the op, then backward(dy) from
// those zero-started gradients, and compares the output and every gradient with PyTorch's.
import type * as wc from '../../src/index.js';
import { expectMatches, type FixtureCase, type FixtureFile, tensorOf, type Tolerance } from './fixtures.js';

/** Computes a case's output from its input tensors (by the fixture's names) and its args. */
export type OpRunner = (t: Record<string, wc.Tensor>, args: Record<string, unknown>) => wc.Tensor;

/** The default tolerance: float32 rounding of sums of up to a few thousand terms. */
export const DEFAULT_TOLERANCE: Tolerance = { atol: 2e-5, rtol: 1e-4 };

export function runCase(file: FixtureFile, c: FixtureCase, run: OpRunner, tol: Tolerance = DEFAULT_TOLERANCE): void {
  const grads = c.grads ?? {};
  const t = Object.fromEntries(Object.entries(c.inputs).map(([name, r]) => [name, tensorOf(file, r, name in grads)]));
  const out = run(t, c.args);
  expectMatches(file, c.out!, out, tol, c.op, `${c.name}: output`);
  if (Object.keys(grads).length === 0) return;
  out.backward(tensorOf(file, c.dy!));
  for (const [name, want] of Object.entries(grads)) expectMatches(file, want, t[name].grad, tol, c.op, `${c.name}: gradient of ${name}`);
}
