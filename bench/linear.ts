// linear cases: LeNet's three fully connected layers at batch 256 ([256, 400] → 120, [256, 120]
// → 84, [256, 84] → 10, with bias), forward and the whole backward (dX + dW + db from a recorded
// graph, as a hidden layer needs); one sum over dims and one transpose at LeNet's sizes beside them.
import * as wc from 'wasmconv';
import type { BenchCase } from './harness.js';

const LAYERS: [number, number][] = [[400, 120], [120, 84], [84, 10]];
const BATCH = 256;

function linearCases(): BenchCase[] {
  return LAYERS.flatMap(([n, m]) => {
    const flops = 2 * BATCH * n * m;
    const make = () => {
      const x = wc.randn([BATCH, n], { seed: 1 });
      const w = wc.randn([m, n], { seed: 2 });
      const b = wc.randn([m], { seed: 3 });
      return { x, w, b };
    };
    return [
      {
        name: `linear [${BATCH}, ${n}] → ${m} forward`,
        flops,
        setup() {
          const { x, w, b } = make();
          return () => wc.linear(x, w, b);
        },
      },
      {
        name: `linear [${BATCH}, ${n}] → ${m} backward`,
        flops: 2 * flops,
        setup() {
          const { x, w, b } = make();
          for (const t of [x, w, b]) t.requiresGrad = true;
          const y = wc.linear(x, w, b);
          const dy = wc.randn([BATCH, m], { seed: 4 });
          return () => {
            x.grad = w.grad = b.grad = null;
            y.backward(dy);
          };
        },
      },
    ];
  });
}

export const shapeCases: BenchCase[] = [
  ...linearCases(),
  {
    name: 'sum [256, 6, 28, 28] over dims 0, 2, 3',
    flops: 256 * 6 * 28 * 28,
    setup() {
      const x = wc.randn([256, 6, 28, 28], { seed: 5 });
      return () => x.sum([0, 2, 3]);
    },
  },
  {
    name: 'transpose [256, 400] dims 0, 1',
    setup() {
      const x = wc.randn([256, 400], { seed: 6 });
      return () => x.t();
    },
  },
];
