// nn.Dropout: dropout in training mode, the identity in eval mode (train()/eval() reaching it
// through a parent), p checked at construction; no parameters.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, expectError, randomData } from '../helpers.js';

beforeAll(() => wc.init());

describe.each(BACKENDS)('nn.Dropout on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('drops and scales in training mode, from the global generator, and is the identity after eval() on a parent', () => {
    class Net extends wc.nn.Module {
      readonly drop = new wc.nn.Dropout(0.25);
      forward(x: Tensor): Tensor {
        return this.drop.forward(x);
      }
    }
    const net = new Net();
    expect(net.drop.p).toBe(0.25);
    expect(net.parameters()).toEqual([]);
    const x = wc.tensor(
      randomData(400, 1).map((v) => v + 2),
      [20, 20],
    );
    wc.manualSeed(5);
    const y = net.forward(x);
    wc.manualSeed(5);
    expect(y.data).toEqual(wc.dropout(x, 0.25).data);
    const dropped = y.data.filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(50);
    expect(dropped).toBeLessThan(150);
    net.eval();
    expect(net.drop.training).toBe(false);
    expect(net.forward(x)).toBe(x);
    net.train();
    expect(net.forward(x).data.some((v) => v === 0)).toBe(true);
  });

  it('defaults to p = 0.5 and checks p at construction', () => {
    expect(new wc.nn.Dropout().p).toBe(0.5);
    expectError(() => new wc.nn.Dropout(-0.5), RangeError, 'Dropout:');
    expectError(() => new wc.nn.Dropout(2), RangeError, 'Dropout:');
    expectError(() => new wc.nn.Dropout('0.1' as unknown as number), TypeError, 'Dropout:');
  });
});
