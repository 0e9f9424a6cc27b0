// The check the optimizer suites share: an optimizer run for STEPS steps against a float64
// reference of torch's update equations, every parameter compared after every step.
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { expectClose, randomData } from '../helpers.js';

/** Each step's gradient of each parameter; null where it has none (torch skips it). */
export type GradHistory = (Float64Array | null)[][];

// Three parameters of sizes off the f32x4 width; some steps leave a gradient out (null): p1 misses
// step 3, after it has state (a momentum buffer, moments), p2 misses step 1, before it has any.
const SHAPES = [[7], [5], [2, 3]];
const STEPS = 5;

/** The seeded gradients of one step, each value times scale[step] (rounded to float32). */
function gradsAt(step: number, scale: readonly number[]): (Float64Array | null)[] {
  return SHAPES.map((s, i) =>
    (i === 1 && step === 2) || (i === 2 && step === 0)
      ? null
      : Float64Array.from(randomData(s[0] * (s[1] ?? 1), 100 * step + i + 1), (v) => Math.fround(v * (scale[step] ?? 1))),
  );
}

/**
 * Runs `make`'s optimizer over seeded parameters for STEPS steps and expects every parameter
 * after each step to be `reference(initial parameters, gradients so far)` within float32 rounding.
 */
export function expectFollowsReference(
  label: string,
  make: (params: Tensor[]) => { step(): void },
  reference: (init: Float64Array[], history: GradHistory) => Float64Array[],
  gradScale: readonly number[] = [],
): void {
  const params = SHAPES.map((s, i) => new wc.nn.Parameter(wc.tensor(randomData(s[0] * (s[1] ?? 1), 50 + i), s)));
  const init = params.map((p) => Float64Array.from(p.data));
  const opt = make(params);
  const history: GradHistory = [];
  for (let step = 0; step < STEPS; step++) {
    const grads = gradsAt(step, gradScale);
    history.push(grads);
    params.forEach((p, i) => (p.grad = grads[i] && wc.tensor(Float32Array.from(grads[i]!), p.shape)));
    opt.step();
    const expected = reference(init, history);
    params.forEach((p, i) => {
      try {
        expectClose(p.data, expected[i], 1e-6, 1e-5);
      } catch (e) {
        throw new Error(`${label}, step ${step + 1}, param ${i}: ${(e as Error).message}`, { cause: e });
      }
    });
  }
}
