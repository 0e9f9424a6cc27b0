// The notebook's computations in Node, with the library from src/: the reference that the pages'
// results are compared with.
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

/** The 6×8 image: white (1), the middle four columns black (0). */
export function edgeImage(): Tensor {
  const X = wc.ones([6, 8]);
  X.set(':, 2:6', 0);
  return X;
}

/** The image's edge map: corr2d with the kernel [-1, 1]. */
export function edgeMap(image = edgeImage()): Tensor {
  return wc.corr2d(image, wc.tensor([[-1, 1]]));
}

export interface Trained {
  /** The loss at each step, before its update. */
  losses: number[];
  weight: Float32Array;
}

/** Cell 38: nn.Corr2d from rand([1, 2]) (seeded), MSELoss, SGD. */
export function trainCorr2d(seed: number, lr: number, epochs: number): Trained {
  const X = edgeImage();
  const Y = edgeMap(X);
  const net = new wc.nn.Corr2d(wc.rand([1, 2], { seed }));
  const loss = new wc.nn.MSELoss();
  const optimizer = new wc.optim.SGD(net.parameters(), { lr });
  const losses: number[] = [];
  for (let i = 0; i < epochs; i++) {
    const l = loss.forward(net.forward(X).reshape(1, -1), Y.reshape(1, -1));
    optimizer.zeroGrad();
    l.backward();
    optimizer.step();
    losses.push(l.item());
  }
  return { losses, weight: net.weight.data };
}

/** Cell 51: nn.Conv2d(1, 1, [1, 2], bias off) (seeded), the sum of squared errors, SGD. */
export function trainConv2d(seed: number, lr: number, epochs: number): Trained {
  const x = edgeImage().reshape(1, 1, 6, 8);
  const y = edgeMap().reshape(1, 1, 6, 7);
  const net = new wc.nn.Conv2d(1, 1, [1, 2], { bias: false, seed });
  const optimizer = new wc.optim.SGD(net.parameters(), { lr });
  const losses: number[] = [];
  for (let i = 0; i < epochs; i++) {
    const l = net.forward(x).sub(y).square().sum();
    optimizer.zeroGrad();
    l.backward();
    optimizer.step();
    losses.push(l.item());
  }
  return { losses, weight: net.weight.data };
}
