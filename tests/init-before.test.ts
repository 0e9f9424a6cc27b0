// Before init(): this file never calls it, and vitest gives each test file its own module graph,
// so the library here is in its pristine, uninitialised state.
import { describe, expect, it } from 'vitest';
import * as wc from '../src/index.js';

const NOT_INITIALISED = /call `await init\(\)`/;

describe('before init()', () => {
  it('reports itself uninitialised', () => {
    expect(wc.wasmBuild()).toBeNull();
  });

  it.each([
    ['tensor', () => wc.tensor([1, 2])],
    ['zeros', () => wc.zeros([2])],
    ['ones', () => wc.ones([2])],
    ['full', () => wc.full([2], 3)],
    ['arange', () => wc.arange(3)],
    ['rand', () => wc.rand([2])],
    ['randn', () => wc.randn([2], { seed: 1 })],
  ])('%s throws an Error naming itself and telling to call init()', (op, make) => {
    expect(make).toThrowError(Error);
    expect(make).toThrowError(new RegExp(`^${op}: .*call \`await init\\(\\)\``));
  });

  // Tensors can only come from the raw constructor before init; every computing op still refuses.
  const raw = (shape: number[]) => new wc.Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);

  it.each([
    ['corr2d', () => wc.corr2d(raw([3, 3]), raw([2, 2]))],
    ['add', () => raw([2]).add(raw([2]))],
    ['sub', () => raw([2]).sub(1)],
    ['mul', () => wc.mul(raw([2]), 2)],
    ['div', () => raw([2]).div(raw([2]))],
    ['neg', () => raw([2]).neg()],
    ['pow', () => raw([2]).pow(2)],
    ['square', () => raw([2]).square()],
    ['sum', () => raw([2]).sum()],
    ['mean', () => raw([2]).mean()],
    ['sum', () => raw([2, 3]).sum(1, true)],
    ['argmax', () => raw([2, 3]).argmax(0)],
    ['transpose', () => raw([2, 3]).t()],
    ['linear', () => wc.linear(raw([2, 3]), raw([4, 3]))],
    ['Linear', () => new wc.nn.Linear(3, 4)],
    ['relu', () => raw([2]).relu()],
    ['sigmoid', () => wc.sigmoid(raw([2]))],
    ['tanh', () => raw([2]).tanh()],
    ['exp', () => raw([2]).exp()],
    ['log', () => wc.log(raw([2]))],
    ['softmax', () => wc.softmax(raw([2, 3]), 1)],
    ['logSoftmax', () => wc.logSoftmax(raw([0, 3]), 0)],
    ['crossEntropy', () => wc.crossEntropy(raw([2, 3]), [0, 2])],
    ['dropout', () => wc.dropout(raw([2]), 0)],
    ['maxPool2d', () => wc.maxPool2d(raw([1, 1, 4, 4]), 2)],
    ['avgPool2d', () => wc.avgPool2d(raw([1, 1, 4, 4]), 2)],
    ['adaptiveAvgPool2d', () => wc.adaptiveAvgPool2d(raw([1, 1, 4, 4]), 3)],
    ['maxPool2d', () => new wc.nn.MaxPool2d(2).forward(raw([1, 1, 4, 4]))],
  ])('%s throws an Error telling to call init()', (op, run) => {
    expect(run).toThrowError(new RegExp(`^${op}: .*call \`await init\\(\\)\``));
  });

  it('refuses on the js backend too, so code that runs on js also runs on wasm', () => {
    wc.setBackend('js');
    try {
      expect(() => wc.zeros([2])).toThrowError(NOT_INITIALISED);
      expect(() => wc.corr2d(raw([3, 3]), raw([2, 2]))).toThrowError(NOT_INITIALISED);
    } finally {
      wc.setBackend('wasm');
    }
  });

  it('works once init() resolves', async () => {
    await wc.init();
    expect(wc.zeros([2]).toArray()).toEqual([0, 0]);
  });
});
