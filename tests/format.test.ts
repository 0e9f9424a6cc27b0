// toString() prints exactly what PyTorch prints with its default options (torch/_tensor_str.py:
// precision 4, threshold 1000, edgeitems 3, linewidth 80). Every expected string below is
// PyTorch's output for the same tensor.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../src/index.js';
import { BACKENDS } from './helpers.js';

beforeAll(() => wc.init());

const rows = (n: number, row: string, indent = 8) =>
  Array.from({ length: n }, (_, i) => (i === 0 ? row : ' '.repeat(indent) + row)).join(',\n');

describe.each(BACKENDS)("the notebook's tensors print as in PyTorch on %s", (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('the corr2d result', () => {
    const y = wc.corr2d(wc.arange(9).reshape(3, 3), wc.arange(4).reshape(2, 2));
    expect(y.toString()).toBe('tensor([[19., 25.],\n        [37., 43.]])');
  });

  it('the 6x8 image with X[:, 2:6] = 0', () => {
    const X = wc.ones([6, 8]).set(':, 2:6', 0);
    expect(X.toString()).toBe(`tensor([${rows(6, '[1., 1., 0., 0., 0., 0., 1., 1.]')}])`);
  });

  it('the 6x7 edge map, zeros aligned with -1', () => {
    const X = wc.ones([6, 8]).set(':, 2:6', 0);
    const o = wc.corr2d(X, wc.tensor([[-1, 1]]));
    expect(o.toString()).toBe(`tensor([${rows(6, '[ 0., -1.,  0.,  0.,  0.,  1.,  0.]')}])`);
  });

  it('the edge map computed with a trainable kernel carries its grad_fn', () => {
    const X = wc.ones([6, 8]).set(':, 2:6', 0);
    const o = wc.corr2d(X, wc.tensor([[-1, 1]], undefined, { requiresGrad: true }));
    expect(o.toString()).toBe(`tensor([${rows(6, '[ 0., -1.,  0.,  0.,  0.,  1.,  0.]')}], grad_fn=<Corr2dBackward0>)`);
  });

  it('the learned kernel, with 4 decimals', () => {
    expect(wc.tensor([[-0.9266, 0.9266]]).toString()).toBe('tensor([[-0.9266,  0.9266]])');
    expect(wc.tensor([[[[-0.993, 0.986]]]]).toString()).toBe('tensor([[[[-0.9930,  0.9860]]]])');
  });
});

describe('toString follows torch/_tensor_str.py', () => {
  const cases: [string, () => wc.Tensor, string][] = [
    // 0-d
    ['an integer scalar', () => wc.tensor(3), 'tensor(3.)'],
    ['a fractional scalar', () => wc.tensor(-0.5), 'tensor(-0.5000)'],
    ['a nan scalar', () => wc.tensor(NaN), 'tensor(nan)'],
    ['a tiny scalar (scientific)', () => wc.tensor(1e-5), 'tensor(1.0000e-05)'],
    ['a huge integer scalar (scientific)', () => wc.tensor(123456789), 'tensor(1.2346e+08)'],
    // widths and signs
    ['mixed signs', () => wc.tensor([-1.5, 2.25]), 'tensor([-1.5000,  2.2500])'],
    ['integers of different widths', () => wc.tensor([100, -5]), 'tensor([100.,  -5.])'],
    ['fixed point with wide integer parts', () => wc.tensor([123.456, 1.5]), 'tensor([123.4560,   1.5000])'],
    ['all zeros', () => wc.zeros([2, 3]), 'tensor([[0., 0., 0.],\n        [0., 0., 0.]])'],
    ['negative zero, which does not widen the column', () => wc.tensor([0, -0]), 'tensor([0., -0.])'],
    // nan and inf take no part in the width or the mode
    ['nan and inf among integers', () => wc.tensor([1, NaN, Infinity, -Infinity]), 'tensor([1., nan, inf, -inf])'],
    ['nan among fractions', () => wc.tensor([1.5, NaN]), 'tensor([1.5000,    nan])'],
    ['only nan', () => wc.tensor([NaN, NaN]), 'tensor([nan, nan])'],
    // Python rounds exact ties to even: 1.03125 → 1.0312, but 1.09375 → 1.0938
    ['exact ties, rounded half to even', () => wc.tensor([1.03125, 1.09375, -0.03125]), 'tensor([ 1.0312,  1.0938, -0.0312])'],
    // scientific mode
    ['a magnitude below 1e-4', () => wc.tensor([1e-5, 1]), 'tensor([1.0000e-05, 1.0000e+00])'],
    ['integers spanning more than 1000x', () => wc.tensor([1, 1001]), 'tensor([1.0000e+00, 1.0010e+03])'],
    ['integers spanning exactly 1000x (not scientific)', () => wc.tensor([1, 1000]), 'tensor([   1., 1000.])'],
    ['integers above 1e8', () => wc.tensor([1, 1e9]), 'tensor([1.0000e+00, 1.0000e+09])'],
    ['fractions spanning more than 1000x', () => wc.tensor([0.5, 600]), 'tensor([5.0000e-01, 6.0000e+02])'],
    ['a tie in scientific mode', () => wc.tensor([100005, 1]), 'tensor([1.0000e+05, 1.0000e+00])'],
    ['negative zero in scientific mode', () => wc.tensor([-0, 1e-5]), 'tensor([-0.0000e+00, 1.0000e-05])'],
    // empty
    ['an empty vector', () => wc.tensor([]), 'tensor([])'],
    ['an empty matrix, with its size', () => wc.zeros([2, 0]), 'tensor([], size=(2, 0))'],
    // layout
    [
      'a 3-d tensor, blocks separated by a blank line',
      () => wc.arange(8).reshape(2, 2, 2),
      'tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])',
    ],
    ['a long vector, 9 per line at width 6', () => wc.full([10], 0.25), `tensor([${Array(9).fill('0.2500').join(', ')},\n        0.2500])`],
    [
      'long matrix rows, also 9 per line at indent 8',
      () => wc.full([2, 10], 0.25),
      `tensor([[${Array(9).fill('0.2500').join(', ')},\n         0.2500],\n        [${Array(9).fill('0.2500').join(', ')},\n         0.2500]])`,
    ],
    // summarisation beyond 1000 elements
    ['1001 elements, edges only', () => wc.arange(1001), 'tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])'],
    [
      'a 40x40 matrix, edges only',
      () => wc.ones([40, 40]),
      `tensor([${rows(3, '[1., 1., 1.,  ..., 1., 1., 1.]')},\n        ...,\n${' '.repeat(8)}${rows(3, '[1., 1., 1.,  ..., 1., 1., 1.]')}])`,
    ],
    [
      'a 2x3x200 tensor, only the last dimension cut',
      () => wc.zeros([2, 3, 200]),
      `tensor([[${rows(3, '[0., 0., 0.,  ..., 0., 0., 0.]', 9)}],\n\n        [${rows(3, '[0., 0., 0.,  ..., 0., 0., 0.]', 9)}]])`,
    ],
  ];
  it.each(cases)('%s', (_, make, expected) => {
    expect(make().toString()).toBe(expected);
  });

  it('measures the format on the shown elements only when summarising', () => {
    // the hidden middle (1e-6) would force scientific mode if it were counted
    const t = wc.ones([1200]).set('3:-3', 1e-6);
    expect(t.toString()).toBe('tensor([1., 1., 1.,  ..., 1., 1., 1.])');
  });
});

describe('autograd suffixes', () => {
  it('adds requires_grad=True to a leaf that requires grad', () => {
    expect(wc.tensor([1, 2], undefined, { requiresGrad: true }).toString()).toBe('tensor([1., 2.], requires_grad=True)');
  });

  it("names the op that made a tensor, PyTorch's XxxBackward0 style", () => {
    const a = wc.tensor([1, 2, 3], undefined, { requiresGrad: true });
    expect(a.sum().toString()).toBe('tensor(6., grad_fn=<SumBackward0>)');
    expect(a.mean().toString()).toBe('tensor(2., grad_fn=<MeanBackward0>)');
    expect(a.mul(2).toString()).toBe('tensor([2., 4., 6.], grad_fn=<MulBackward0>)');
    expect(a.add(a).toString()).toBe('tensor([2., 4., 6.], grad_fn=<AddBackward0>)');
  });

  it('moves a suffix to its own line when the last line would pass 80 columns', () => {
    const t = wc.full([9], 0.25, { requiresGrad: true });
    expect(t.toString()).toBe(`tensor([${Array(9).fill('0.2500').join(', ')}],\n       requires_grad=True)`);
    const wrapped = wc.full([10], 0.25, { requiresGrad: true });
    expect(wrapped.toString()).toBe(`tensor([${Array(9).fill('0.2500').join(', ')},\n        0.2500], requires_grad=True)`);
  });

  it('prints nothing extra inside noGrad', () => {
    const a = wc.tensor([1, 2], undefined, { requiresGrad: true });
    expect(wc.noGrad(() => a.mul(2)).toString()).toBe('tensor([2., 4.])');
  });
});
