// The error contract, over every public function and class: a misuse throws a TypeError (wrong
// kind of argument) or a RangeError (shape, size or option out of range) whose message starts with
// the op's name and shows what was expected and what was given; it writes nothing to WebAssembly
// memory and changes no tensor; and a valid call right after it still gives the right answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { wasmRuntime } from '../../src/wasm/loader.js';
import { BACKENDS, onBackend } from '../helpers.js';

beforeAll(() => wc.init());

type ErrorKind = typeof TypeError | typeof RangeError;

/* eslint-disable @typescript-eslint/no-explicit-any -- misuse means passing what the types forbid */
interface Misuse {
  /** The name the message must start with (`${prefix}: `). */
  prefix: string;
  kind: ErrorKind;
  /** Fragments the message must contain: what was expected and what was given. */
  says: string[];
  /** Builds what the misuse needs (tensors, layers), before WebAssembly memory is watched. */
  state?: () => any;
  run: (state: any) => unknown;
  /** Checks that the misuse changed nothing it was handed. */
  intact?: (state: any) => void;
  /** A valid call right after, checked for the right answer. */
  valid: () => void;
}

// ---- valid calls with known answers, one per public function or class ----------------------------

const VALID = {
  setBackend: () => {
    onBackend('js', () => expect(wc.getBackend()).toBe('js'));
  },
  tensor: () =>
    expect(
      wc
        .tensor([
          [1, 2],
          [3, 4],
        ])
        .toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]),
  zeros: () =>
    expect(wc.zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]),
  ones: () => expect(wc.ones(3).toArray()).toEqual([1, 1, 1]),
  full: () => expect(wc.full([2], 7, { requiresGrad: true }).toArray()).toEqual([7, 7]),
  arange: () => expect(wc.arange(1, 7, 2).toArray()).toEqual([1, 3, 5]),
  rand: () => {
    const g = new wc.Generator(5);
    expect(Array.from(wc.rand([3], { seed: 5 }).data)).toEqual([g.uniform(), g.uniform(), g.uniform()]);
  },
  randn: () => {
    const g = new wc.Generator(5);
    expect(Array.from(wc.randn([2], { seed: 5 }).data)).toEqual([Math.fround(g.normal()), Math.fround(g.normal())]);
  },
  manualSeed: () => {
    wc.manualSeed(3);
    const g = new wc.Generator(3);
    expect(Array.from(wc.rand([2]).data)).toEqual([g.uniform(), g.uniform()]);
  },
  Generator: () => expect(new wc.Generator(9).nextUint32()).toBe(new wc.Generator(9n).nextUint32()),
  noGrad: () => {
    const x = wc.ones([1], { requiresGrad: true });
    expect(wc.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(true); // grad mode is back on
  },
  Tensor: () => expect(new wc.Tensor(new Float32Array([1, 2]), [2, 1]).toArray()).toEqual([[1], [2]]),
  reshape: () =>
    expect(wc.arange(6).reshape(2, -1).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]),
  item: () => expect(wc.tensor([[2.5]]).item()).toBe(2.5),
  get: () =>
    expect(wc.arange(9).reshape(3, 3).get(':, 1:').toArray()).toEqual([
      [1, 2],
      [4, 5],
      [7, 8],
    ]),
  set: () =>
    expect(wc.ones([2, 3]).set(':, 1:', 0).toArray()).toEqual([
      [1, 0, 0],
      [1, 0, 0],
    ]),
  backward: () => {
    const x = wc.tensor([1, 2], undefined, { requiresGrad: true });
    x.square().sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 4]);
  },
  requiresGrad: () => {
    const x = wc.ones([1]);
    x.requiresGrad = true;
    expect(x.mul(3).requiresGrad).toBe(true);
  },
  add: () =>
    expect(wc.add(wc.tensor([1, 2]), wc.tensor([[10], [20]])).toArray()).toEqual([
      [11, 12],
      [21, 22],
    ]),
  sub: () => expect(wc.tensor([5, 6]).sub(1).toArray()).toEqual([4, 5]),
  mul: () =>
    expect(
      wc
        .tensor([1, 2])
        .mul(wc.tensor([3, 4]))
        .toArray(),
    ).toEqual([3, 8]),
  div: () => expect(wc.tensor([1, 3]).div(2).toArray()).toEqual([0.5, 1.5]),
  neg: () => expect(wc.neg(wc.tensor([1, -2])).toArray()).toEqual([-1, 2]),
  pow: () => expect(wc.tensor([2, 3]).pow(3).toArray()).toEqual([8, 27]),
  square: () => expect(wc.square(wc.tensor([-3])).toArray()).toEqual([9]),
  sum: () => expect(wc.sum(wc.arange(5)).item()).toBe(10),
  mean: () => expect(wc.mean(wc.arange(5)).item()).toBe(2),
  sumDims: () => expect(wc.arange(6).reshape(2, 3).sum([0], true).toArray()).toEqual([[3, 5, 7]]),
  argmax: () =>
    expect(
      wc
        .tensor([
          [1, 5, 5],
          [NaN, 0, 9],
        ])
        .argmax(1)
        .toArray(),
    ).toEqual([1, 0]),
  flatten: () => expect(wc.arange(8).reshape(2, 2, 2).flatten(1).shape).toEqual([2, 4]),
  transpose: () =>
    expect(wc.arange(6).reshape(2, 3).transpose(-1, 0).toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]),
  t: () =>
    expect(
      wc
        .tensor([[1, 2]])
        .t()
        .toArray(),
    ).toEqual([[1], [2]]),
  linear: () =>
    expect(
      wc
        .linear(
          wc.tensor([[1, 2]]),
          wc.tensor([
            [3, 4],
            [5, 6],
          ]),
          wc.tensor([1, 0]),
        )
        .toArray(),
    ).toEqual([[12, 17]]),
  maxPool2d: () =>
    expect(wc.maxPool2d(wc.arange(16).reshape(1, 4, 4), 2).toArray()).toEqual([
      [
        [5, 7],
        [13, 15],
      ],
    ]),
  avgPool2d: () =>
    expect(wc.avgPool2d(wc.arange(16).reshape(1, 4, 4), 2).toArray()).toEqual([
      [
        [2.5, 4.5],
        [10.5, 12.5],
      ],
    ]),
  adaptiveAvgPool2d: () => expect(wc.adaptiveAvgPool2d(wc.arange(16).reshape(1, 4, 4), [1, 2]).toArray()).toEqual([[[6.5, 8.5]]]),
  corr2d: () => {
    expect(wc.corr2d(wc.arange(9).reshape(3, 3), wc.arange(4).reshape(2, 2)).toArray()).toEqual([
      [19, 25],
      [37, 43],
    ]);
  },
  matmul: () =>
    expect(
      wc
        .matmul(
          wc.tensor([
            [1, 2],
            [3, 4],
          ]),
          wc.tensor([[5], [6]]),
        )
        .toArray(),
    ).toEqual([[17], [39]]),
  kernelToMatrix: () =>
    expect(wc.kernelToMatrix(wc.tensor([[1, 2]]), [1, 3]).toArray()).toEqual([
      [1, 2, 0],
      [0, 1, 2],
    ]),
  pad: () =>
    expect(wc.pad(wc.arange(4).reshape(2, 2), [1, 0, 0, 1]).toArray()).toEqual([
      [0, 0, 1],
      [0, 2, 3],
      [0, 0, 0],
    ]),
  conv2d: () => {
    const y = wc.conv2d(wc.ones([1, 1, 3, 3]), wc.ones([2, 1, 2, 2]), wc.tensor([1, -1]));
    expect(y.toArray()).toEqual([
      [
        [
          [5, 5],
          [5, 5],
        ],
        [
          [3, 3],
          [3, 3],
        ],
      ],
    ]);
  },
  convTranspose2d: () => {
    expect(wc.convTranspose2d(wc.ones([1, 2, 2]), wc.ones([1, 1, 2, 2])).toArray()).toEqual([
      [
        [1, 2, 1],
        [2, 4, 2],
        [1, 2, 1],
      ],
    ]);
  },
  unfold: () => expect(wc.unfold(wc.arange(4).reshape(1, 1, 2, 2), 1).toArray()).toEqual([[[0, 1, 2, 3]]]),
  fold: () =>
    expect(wc.fold(wc.ones([1, 4, 4]), 3, 2).toArray()).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]),
  mseLoss: () => expect(wc.mseLoss(wc.tensor([1, 2]), wc.tensor([3, 2])).item()).toBe(2),
  loadStateDict: () => {
    const layer = new wc.nn.Corr2d([1, 1]);
    layer.loadStateDict({ weight: wc.tensor([[5]]) });
    expect(layer.weight.toArray()).toEqual([[5]]);
  },
  Parameter: () => {
    const p = new wc.nn.Parameter(wc.tensor([1]));
    expect([p.requiresGrad, p.isLeaf]).toEqual([true, true]);
  },
  Corr2d: () => {
    const layer = new wc.nn.Corr2d(wc.ones([2, 2]), { bias: true });
    expect(layer.forward(wc.arange(9).reshape(3, 3)).toArray()).toEqual([
      [8, 12],
      [20, 24],
    ]);
  },
  Conv2d: () => {
    const layer = new wc.nn.Conv2d(1, 1, 2, { bias: false });
    layer.loadStateDict({ weight: wc.ones([1, 1, 2, 2]) });
    expect(layer.forward(wc.ones([1, 3, 3])).toArray()).toEqual([
      [
        [4, 4],
        [4, 4],
      ],
    ]);
  },
  MSELoss: () => expect(new wc.nn.MSELoss({ reduction: 'sum' }).forward(wc.tensor([1, 2]), wc.tensor([3, 2])).item()).toBe(4),
  Linear: () => {
    const layer = new wc.nn.Linear(2, 1, { bias: false });
    layer.loadStateDict({ weight: wc.tensor([[2, 3]]) });
    expect(layer.forward(wc.ones([2, 2])).toArray()).toEqual([[5], [5]]);
  },
  Flatten: () => expect(new wc.nn.Flatten().forward(wc.zeros([2, 3, 4])).shape).toEqual([2, 12]),
  relu: () => expect(wc.relu(wc.tensor([-1, 0, 2])).toArray()).toEqual([0, 0, 2]),
  sigmoid: () => expect(wc.sigmoid(wc.tensor([0, -100])).toArray()).toEqual([0.5, 0]),
  tanh: () => expect(wc.tanh(wc.tensor([0, 100])).toArray()).toEqual([0, 1]),
  exp: () => expect(wc.exp(wc.tensor([0, -Infinity])).toArray()).toEqual([1, 0]),
  log: () => expect(wc.log(wc.tensor([1, 0])).toArray()).toEqual([0, -Infinity]),
  softmax: () =>
    expect(
      wc
        .softmax(
          wc.tensor([
            [0, 0],
            [1e4, -1e4],
          ]),
          1,
        )
        .toArray(),
    ).toEqual([
      [0.5, 0.5],
      [1, 0],
    ]),
  logSoftmax: () => expect(wc.logSoftmax(wc.tensor([[5, 5]]), 0).toArray()).toEqual([[0, 0]]),
  crossEntropy: () => expect(wc.crossEntropy(wc.zeros([2, 4]), [1, -100], { reduction: 'sum' }).item()).toBeCloseTo(Math.log(4), 6),
  dropout: () => expect(wc.dropout(wc.ones([4]), 1).toArray()).toEqual([0, 0, 0, 0]),
  Dropout: () =>
    expect(
      new wc.nn.Dropout(0.5)
        .eval()
        .forward(wc.ones([2]))
        .toArray(),
    ).toEqual([1, 1]),
  CrossEntropyLoss: () =>
    expect(new wc.nn.CrossEntropyLoss({ weight: wc.tensor([1, 3]) }).forward(wc.zeros([2, 2]), [0, 1]).item()).toBeCloseTo(Math.log(2), 6),
  MaxPool2d: () =>
    expect(new wc.nn.MaxPool2d(2, { stride: 1 }).forward(wc.arange(9).reshape(1, 3, 3)).toArray()).toEqual([
      [
        [4, 5],
        [7, 8],
      ],
    ]),
  AvgPool2d: () =>
    expect(new wc.nn.AvgPool2d(3, { padding: 1 }).forward(wc.ones([1, 3, 3])).toArray()).toEqual([[[4 / 9].map(Math.fround)]]),
  AdaptiveAvgPool2d: () => expect(new wc.nn.AdaptiveAvgPool2d(1).forward(wc.arange(4).reshape(1, 1, 2, 2)).item()).toBe(1.5),
  SGD: () => {
    const p = new wc.nn.Parameter(wc.tensor([1, 2]));
    p.grad = wc.ones([2]);
    new wc.optim.SGD([p], { lr: 0.5 }).step();
    expect(p.toArray()).toEqual([0.5, 1.5]);
  },
} satisfies Record<string, () => void>;

// ---- the misuse table ---------------------------------------------------------------------------

const x33 = () => wc.arange(9).reshape(3, 3);
const img = () => wc.ones([1, 3, 5, 5]);
const w4 = () => wc.ones([4, 3, 3, 3]);
const wT = () => wc.ones([3, 4, 3, 3]); // convTranspose2d: [C_in, C_out, kh, kw]
const leaf = (shape: number[]) => wc.ones(shape, { requiresGrad: true });
const param = () => new wc.nn.Parameter(wc.tensor([1, 1]));

const MISUSES: Misuse[] = [
  // lifecycle
  {
    prefix: 'setBackend',
    kind: TypeError,
    says: ['"gpu"', "'wasm' or 'js'"],
    run: () => wc.setBackend('gpu' as any),
    valid: VALID.setBackend,
  },
  { prefix: 'setBackend', kind: TypeError, says: ['undefined'], run: () => (wc.setBackend as any)(), valid: VALID.setBackend },
  // creation
  { prefix: 'tensor', kind: TypeError, says: ['typed array', '"abc"'], run: () => wc.tensor('abc' as any), valid: VALID.tensor },
  { prefix: 'tensor', kind: TypeError, says: ['a number at data[1]', '"a"'], run: () => wc.tensor([1, 'a' as any]), valid: VALID.tensor },
  {
    prefix: 'tensor',
    kind: RangeError,
    says: ['ragged', 'data[1] has 1 entries', 'expected 2'],
    run: () => wc.tensor([[1, 2], [3]]),
    valid: VALID.tensor,
  },
  { prefix: 'tensor', kind: RangeError, says: ['3 values', '[2,2] needs 4'], run: () => wc.tensor([1, 2, 3], [2, 2]), valid: VALID.tensor },
  {
    prefix: 'tensor',
    kind: TypeError,
    says: ['"requiresgrad"', 'requiresGrad'],
    run: () => wc.tensor([1], undefined, { requiresgrad: true } as any),
    valid: VALID.tensor,
  },
  {
    prefix: 'tensor',
    kind: TypeError,
    says: ['boolean', '"yes"'],
    run: () => wc.tensor([1], undefined, { requiresGrad: 'yes' as any }),
    valid: VALID.tensor,
  },
  { prefix: 'tensor', kind: TypeError, says: ['BigInt64Array'], run: () => wc.tensor(new BigInt64Array(2) as any), valid: VALID.tensor },
  { prefix: 'zeros', kind: RangeError, says: ['shape[0]', '>= 0', '-1'], run: () => wc.zeros([-1]), valid: VALID.zeros },
  { prefix: 'zeros', kind: TypeError, says: ['integer', '2.5'], run: () => wc.zeros([2.5]), valid: VALID.zeros },
  { prefix: 'zeros', kind: TypeError, says: ['array of integers', '"3"'], run: () => wc.zeros('3' as any), valid: VALID.zeros },
  {
    prefix: 'zeros',
    kind: RangeError,
    says: ['[65536,65536]', '4294967296 float32 values', '4 GiB'],
    run: () => wc.zeros([2 ** 16, 2 ** 16]),
    valid: VALID.zeros,
  },
  { prefix: 'ones', kind: TypeError, says: ['integer', 'NaN'], run: () => wc.ones([NaN]), valid: VALID.ones },
  { prefix: 'full', kind: TypeError, says: ['value', '"1"'], run: () => wc.full([2], '1' as any), valid: VALID.full },
  { prefix: 'full', kind: TypeError, says: ['options must be an object', '5'], run: () => wc.full([2], 1, 5 as any), valid: VALID.full },
  { prefix: 'arange', kind: RangeError, says: ['step', 'nonzero'], run: () => wc.arange(0, 3, 0), valid: VALID.arange },
  { prefix: 'arange', kind: RangeError, says: ['start 3, end 0, step 1'], run: () => wc.arange(3, 0, 1), valid: VALID.arange },
  { prefix: 'arange', kind: TypeError, says: ['finite', 'Infinity'], run: () => wc.arange(Infinity), valid: VALID.arange },
  { prefix: 'rand', kind: TypeError, says: ['seed', '1.5'], run: () => wc.rand([2], { seed: 1.5 }), valid: VALID.rand },
  { prefix: 'rand', kind: TypeError, says: ['"sed"', 'requiresGrad, seed'], run: () => wc.rand([2], { sed: 1 } as any), valid: VALID.rand },
  {
    prefix: 'randn',
    kind: TypeError,
    says: ['options must be an object', 'null'],
    run: () => wc.randn([2], null as any),
    valid: VALID.randn,
  },
  { prefix: 'manualSeed', kind: TypeError, says: ['seed', '"1"'], run: () => wc.manualSeed('1' as any), valid: VALID.manualSeed },
  { prefix: 'Generator', kind: TypeError, says: ['seed', '0.5'], run: () => new wc.Generator(0.5), valid: VALID.Generator },
  { prefix: 'noGrad', kind: TypeError, says: ['function', 'got 3'], run: () => wc.noGrad(3 as any), valid: VALID.noGrad },
  // Tensor and its methods
  {
    prefix: 'Tensor',
    kind: TypeError,
    says: ['Float32Array', 'array of length 2'],
    run: () => new wc.Tensor([1, 2] as any, [2]),
    valid: VALID.Tensor,
  },
  {
    prefix: 'Tensor',
    kind: RangeError,
    says: ['[2] needs 2', 'data has 3'],
    run: () => new wc.Tensor(new Float32Array(3), [2]),
    valid: VALID.Tensor,
  },
  {
    prefix: 'Tensor',
    kind: RangeError,
    says: ['shape[0]', '-1'],
    run: () => new wc.Tensor(new Float32Array(1), [-1, -1]),
    valid: VALID.Tensor,
  },
  { prefix: 'reshape', kind: RangeError, says: ['[4,2]', 'size 6'], run: () => wc.arange(6).reshape(4, 2), valid: VALID.reshape },
  { prefix: 'reshape', kind: RangeError, says: ['only one', '[-1,-1]'], run: () => wc.arange(6).reshape(-1, -1), valid: VALID.reshape },
  { prefix: 'reshape', kind: TypeError, says: ['integer', '2.5'], run: () => wc.arange(6).reshape(2.5, 2), valid: VALID.reshape },
  { prefix: 'item', kind: RangeError, says: ['one-element', '[2]'], run: () => wc.arange(2).item(), valid: VALID.item },
  { prefix: 'get', kind: RangeError, says: ['index 5', 'size 3'], run: () => x33().get('5, :'), valid: VALID.get },
  { prefix: 'get', kind: RangeError, says: ['too many indices (3)', '[3,3]'], run: () => x33().get('0, 0, 0'), valid: VALID.get },
  { prefix: 'get', kind: RangeError, says: ['positive', '0'], run: () => x33().get('::0'), valid: VALID.get },
  { prefix: 'get', kind: TypeError, says: ['string or an array', '3'], run: () => x33().get(3 as any), valid: VALID.get },
  {
    prefix: 'set',
    kind: TypeError,
    says: ['requires grad', 'noGrad'],
    state: () => leaf([2]),
    run: (x: Tensor) => x.set(':', 0),
    intact: (x: Tensor) => expect(x.toArray()).toEqual([1, 1]),
    valid: VALID.set,
  },
  {
    prefix: 'set',
    kind: RangeError,
    says: ['[2]', '[3]'],
    state: x33,
    run: (x: Tensor) => x.set(':, 0', wc.ones([2])),
    intact: (x: Tensor) => expect(x.toArray()).toEqual(x33().toArray()),
    valid: VALID.set,
  },
  { prefix: 'set', kind: TypeError, says: ['Tensor', '"1"'], run: () => x33().set(':', '1' as any), valid: VALID.set },
  { prefix: 'backward', kind: TypeError, says: ['does not require grad'], run: () => wc.arange(2).backward(), valid: VALID.backward },
  {
    prefix: 'backward',
    kind: RangeError,
    says: ['one-element', '[2]'],
    state: () => leaf([2]).mul(2),
    run: (y: Tensor) => y.backward(),
    valid: VALID.backward,
  },
  {
    prefix: 'backward',
    kind: RangeError,
    says: ['[3]', '[2]'],
    state: () => leaf([2]).mul(2),
    run: (y: Tensor) => y.backward(wc.ones([3])),
    valid: VALID.backward,
  },
  {
    prefix: 'backward',
    kind: RangeError,
    says: ['leaf of shape [2]', '.grad of shape [3]'],
    state: () => {
      const x = leaf([2]);
      x.grad = wc.ones([3]);
      return { x, loss: x.mul(2).sum() };
    },
    run: (s: { loss: Tensor }) => s.loss.backward(),
    intact: (s: { x: Tensor }) => expect(s.x.grad!.toArray()).toEqual([1, 1, 1]),
    valid: VALID.backward,
  },
  {
    prefix: 'requiresGrad',
    kind: TypeError,
    says: ['boolean', 'got "yes"'],
    run: () => {
      wc.ones([1]).requiresGrad = 'yes' as any;
    },
    valid: VALID.requiresGrad,
  },
  {
    prefix: 'requiresGrad',
    kind: RangeError,
    says: ['non-leaf', 'detach()'],
    state: () => leaf([1]).mul(2),
    run: (y: Tensor) => {
      y.requiresGrad = false;
    },
    valid: VALID.requiresGrad,
  },
  // elementwise and reductions
  { prefix: 'add', kind: TypeError, says: ['Tensor or a number', '"1"'], run: () => wc.add(x33(), '1' as any), valid: VALID.add },
  { prefix: 'add', kind: TypeError, says: ['input must be a Tensor', '3'], run: () => wc.add(3 as any, x33()), valid: VALID.add },
  { prefix: 'add', kind: RangeError, says: ['[3,3] and [2]', '3 vs 2'], run: () => x33().add(wc.ones([2])), valid: VALID.add },
  {
    prefix: 'add',
    kind: RangeError,
    says: ['[32768,65536]', '2147483648 float32 values', '4 GiB'],
    run: () => wc.ones([2 ** 15, 1]).add(wc.ones([1, 2 ** 16])),
    valid: VALID.add,
  },
  {
    prefix: 'sub',
    kind: TypeError,
    says: ['Tensor or a number', 'array of length 3'],
    run: () => x33().sub([1, 2, 3] as any),
    valid: VALID.sub,
  },
  { prefix: 'mul', kind: RangeError, says: ['[3,3] and [4,1]'], run: () => x33().mul(wc.ones([4, 1])), valid: VALID.mul },
  { prefix: 'div', kind: TypeError, says: ['Tensor or a number', 'undefined'], run: () => x33().div(undefined as any), valid: VALID.div },
  { prefix: 'neg', kind: TypeError, says: ['Tensor', 'array of length 1'], run: () => wc.neg([1] as any), valid: VALID.neg },
  { prefix: 'pow', kind: TypeError, says: ['exponent', 'number', 'got "2"'], run: () => x33().pow('2' as any), valid: VALID.pow },
  { prefix: 'pow', kind: TypeError, says: ['input must be a Tensor', '2'], run: () => wc.pow(2 as any, 2), valid: VALID.pow },
  { prefix: 'square', kind: TypeError, says: ['Tensor', 'null'], run: () => wc.square(null as any), valid: VALID.square },
  { prefix: 'sum', kind: TypeError, says: ['Tensor', 'array of length 2'], run: () => wc.sum([1, 2] as any), valid: VALID.sum },
  { prefix: 'mean', kind: TypeError, says: ['Tensor', 'Object'], run: () => wc.mean({} as any), valid: VALID.mean },
  { prefix: 'sum', kind: RangeError, says: ['dim 2', 'expected -2 to 1'], run: () => x33().sum(2), valid: VALID.sumDims },
  { prefix: 'mean', kind: RangeError, says: ['dim 1', 'more than once', '[1,-1]'], run: () => x33().mean([1, -1]), valid: VALID.sumDims },
  { prefix: 'sum', kind: TypeError, says: ['keepdim', 'boolean', '1'], run: () => x33().sum(0, 1 as any), valid: VALID.sumDims },
  { prefix: 'argmax', kind: RangeError, says: ['empty tensor', '[0,3]'], run: () => wc.zeros([0, 3]).argmax(), valid: VALID.argmax },
  { prefix: 'argmax', kind: RangeError, says: ['dim 0 has size 0', '[0,3]'], run: () => wc.zeros([0, 3]).argmax(0), valid: VALID.argmax },
  {
    prefix: 'argmax',
    kind: TypeError,
    says: ['dim', 'integer', 'array of length 1'],
    run: () => x33().argmax([0] as any),
    valid: VALID.argmax,
  },
  // shape ops
  { prefix: 'flatten', kind: RangeError, says: ['startDim 1', 'endDim 0', '[3,3]'], run: () => x33().flatten(1, 0), valid: VALID.flatten },
  { prefix: 'flatten', kind: RangeError, says: ['endDim 2', 'expected -2 to 1'], run: () => x33().flatten(0, 2), valid: VALID.flatten },
  {
    prefix: 'transpose',
    kind: RangeError,
    says: ['dim1 -3', 'expected -2 to 1'],
    run: () => x33().transpose(0, -3),
    valid: VALID.transpose,
  },
  {
    prefix: 'transpose',
    kind: TypeError,
    says: ['dim0', 'integer', 'undefined'],
    run: () => (x33() as any).transpose(),
    valid: VALID.transpose,
  },
  { prefix: 't', kind: RangeError, says: ['at most 2 dims', '[1,3,3]'], run: () => x33().reshape(1, 3, 3).t(), valid: VALID.t },
  // linear
  {
    prefix: 'linear',
    kind: RangeError,
    says: ['400 features', 'expects 120', 'weight [84,120]'],
    run: () => wc.linear(wc.ones([2, 400]), wc.ones([84, 120])),
    valid: VALID.linear,
  },
  {
    prefix: 'linear',
    kind: RangeError,
    says: ['bias must be [4]', 'got shape [3]'],
    run: () => wc.linear(wc.ones([2, 3]), wc.ones([4, 3]), wc.ones([3])),
    valid: VALID.linear,
  },
  {
    prefix: 'linear',
    kind: RangeError,
    says: ['weight must be 2-D', '[3]'],
    run: () => wc.linear(wc.ones([2, 3]), wc.ones([3])),
    valid: VALID.linear,
  },
  {
    prefix: 'linear',
    kind: RangeError,
    says: ['at least 1 dimension', '[]'],
    run: () => wc.linear(wc.tensor(2), wc.ones([1, 1])),
    valid: VALID.linear,
  },
  {
    prefix: 'linear',
    kind: TypeError,
    says: ['input must be a Tensor', 'array of length 2'],
    run: () => wc.linear([1, 2] as any, wc.ones([1, 2])),
    valid: VALID.linear,
  },
  // activations, softmax, cross entropy, dropout
  {
    prefix: 'relu',
    kind: TypeError,
    says: ['input must be a Tensor', 'array of length 2'],
    run: () => wc.relu([1, 2] as any),
    valid: VALID.relu,
  },
  {
    prefix: 'sigmoid',
    kind: TypeError,
    says: ['input must be a Tensor', 'undefined'],
    run: () => (wc.sigmoid as any)(),
    valid: VALID.sigmoid,
  },
  { prefix: 'tanh', kind: TypeError, says: ['input must be a Tensor', '3'], run: () => wc.tanh(3 as any), valid: VALID.tanh },
  {
    prefix: 'exp',
    kind: TypeError,
    says: ['input must be a Tensor', 'a Float32Array'],
    run: () => wc.exp(new Float32Array(2) as any),
    valid: VALID.exp,
  },
  { prefix: 'log', kind: TypeError, says: ['input must be a Tensor', 'null'], run: () => wc.log(null as any), valid: VALID.log },
  {
    prefix: 'softmax',
    kind: RangeError,
    says: ['dim 2 is out of range', '2-D input', '-2 to 1'],
    run: () => wc.softmax(x33(), 2),
    valid: VALID.softmax,
  },
  {
    prefix: 'softmax',
    kind: TypeError,
    says: ['dim must be an integer', 'undefined'],
    run: () => (wc.softmax as any)(x33()),
    valid: VALID.softmax,
  },
  {
    prefix: 'logSoftmax',
    kind: TypeError,
    says: ['dim must be an integer', '0.5'],
    run: () => wc.logSoftmax(x33(), 0.5),
    valid: VALID.logSoftmax,
  },
  {
    prefix: 'crossEntropy',
    kind: RangeError,
    says: ['target[1] is 4', 'out of range for 4 classes'],
    run: () => wc.crossEntropy(leaf([3, 4]), [0, 4, 1]),
    valid: VALID.crossEntropy,
  },
  {
    prefix: 'crossEntropy',
    kind: TypeError,
    says: ['target[1] must be a whole number', '1.5'],
    run: () => wc.crossEntropy(leaf([3, 4]), wc.tensor([0, 1.5, 1])),
    valid: VALID.crossEntropy,
  },
  {
    prefix: 'crossEntropy',
    kind: RangeError,
    says: ['target has 2 class indices', '3 positions'],
    run: () => wc.crossEntropy(leaf([3, 4]), new Int32Array(2)),
    valid: VALID.crossEntropy,
  },
  {
    prefix: 'crossEntropy',
    kind: RangeError,
    says: ['target has shape [3,5]', 'class indices of shape [3]', 'probabilities of shape [3,4]'],
    run: () => wc.crossEntropy(leaf([3, 4]), wc.ones([3, 5])),
    valid: VALID.crossEntropy,
  },
  {
    prefix: 'crossEntropy',
    kind: TypeError,
    says: ['target must be class indices', 'a Float32Array'],
    run: () => wc.crossEntropy(leaf([3, 4]), new Float32Array(3) as any),
    valid: VALID.crossEntropy,
  },
  {
    prefix: 'crossEntropy',
    kind: RangeError,
    says: ['weight has 3 values', '4 classes'],
    run: () => wc.crossEntropy(leaf([3, 4]), [0, 1, 2], { weight: wc.ones([3]) }),
    valid: VALID.crossEntropy,
  },
  {
    prefix: 'crossEntropy',
    kind: RangeError,
    says: ['labelSmoothing must be between 0 and 1', '1.5'],
    run: () => wc.crossEntropy(leaf([3, 4]), [0, 1, 2], { labelSmoothing: 1.5 }),
    valid: VALID.crossEntropy,
  },
  {
    prefix: 'crossEntropy',
    kind: RangeError,
    says: ["'mean', 'sum' or 'none'", '"avg"'],
    run: () => wc.crossEntropy(leaf([3, 4]), [0, 1, 2], { reduction: 'avg' as any }),
    valid: VALID.crossEntropy,
  },
  {
    prefix: 'crossEntropy',
    kind: TypeError,
    says: ['"label_smoothing"', 'labelSmoothing'],
    run: () => wc.crossEntropy(leaf([3, 4]), [0, 1, 2], { label_smoothing: 0.1 } as any),
    valid: VALID.crossEntropy,
  },
  {
    prefix: 'crossEntropy',
    kind: RangeError,
    says: ['ignoreIndex (0) is not supported', 'class probabilities'],
    run: () => wc.crossEntropy(leaf([3, 4]), wc.ones([3, 4]), { ignoreIndex: 0 }),
    valid: VALID.crossEntropy,
  },
  { prefix: 'dropout', kind: RangeError, says: ['between 0 and 1', '-0.5'], run: () => wc.dropout(leaf([3]), -0.5), valid: VALID.dropout },
  {
    prefix: 'dropout',
    kind: TypeError,
    says: ['training must be a boolean', '1'],
    run: () => wc.dropout(leaf([3]), 0.5, 1 as any),
    valid: VALID.dropout,
  },
  // pooling
  {
    prefix: 'maxPool2d',
    kind: RangeError,
    says: ['at most half of kernelSize [2,2]', 'got [2,2]'],
    run: () => wc.maxPool2d(img(), 2, { padding: 2 }),
    valid: VALID.maxPool2d,
  },
  {
    prefix: 'maxPool2d',
    kind: RangeError,
    says: ['kernel [6,6]', 'padded input [5,5]'],
    run: () => wc.maxPool2d(img(), 6),
    valid: VALID.maxPool2d,
  },
  {
    prefix: 'maxPool2d',
    kind: RangeError,
    says: ['stride', '>= 1', '0'],
    run: () => wc.maxPool2d(img(), 2, { stride: 0 }),
    valid: VALID.maxPool2d,
  },
  {
    prefix: 'maxPool2d',
    kind: TypeError,
    says: ['"ceil_mode"', 'ceilMode'],
    run: () => wc.maxPool2d(img(), 2, { ceil_mode: true } as any),
    valid: VALID.maxPool2d,
  },
  {
    prefix: 'maxPool2d',
    kind: RangeError,
    says: ['[N, C, H, W] or [C, H, W]', '[9,1]'],
    run: () => wc.maxPool2d(x33().reshape(9, 1), 1),
    valid: VALID.maxPool2d,
  },
  {
    prefix: 'avgPool2d',
    kind: RangeError,
    says: ['divisorOverride', 'non-zero', '0'],
    run: () => wc.avgPool2d(img(), 2, { divisorOverride: 0 }),
    valid: VALID.avgPool2d,
  },
  {
    prefix: 'avgPool2d',
    kind: TypeError,
    says: ['countIncludePad', 'boolean', '"no"'],
    run: () => wc.avgPool2d(img(), 2, { countIncludePad: 'no' as any }),
    valid: VALID.avgPool2d,
  },
  {
    prefix: 'avgPool2d',
    kind: TypeError,
    says: ['"dilation"', 'divisorOverride'],
    run: () => wc.avgPool2d(img(), 2, { dilation: 2 } as any),
    valid: VALID.avgPool2d,
  },
  {
    prefix: 'adaptiveAvgPool2d',
    kind: RangeError,
    says: ['outputSize', '>= 1', '0'],
    run: () => wc.adaptiveAvgPool2d(img(), 0),
    valid: VALID.adaptiveAvgPool2d,
  },
  {
    prefix: 'adaptiveAvgPool2d',
    kind: TypeError,
    says: ['outputSize', 'pair', '"2"'],
    run: () => wc.adaptiveAvgPool2d(img(), '2' as any),
    valid: VALID.adaptiveAvgPool2d,
  },
  { prefix: 'MaxPool2d', kind: RangeError, says: ['kernelSize', '>= 1', '0'], run: () => new wc.nn.MaxPool2d(0), valid: VALID.MaxPool2d },
  {
    prefix: 'AvgPool2d',
    kind: RangeError,
    says: ['at most half of kernelSize [3,3]', 'got [2,2]'],
    run: () => new wc.nn.AvgPool2d(3, { padding: 2 }),
    valid: VALID.AvgPool2d,
  },
  {
    prefix: 'AdaptiveAvgPool2d',
    kind: TypeError,
    says: ['outputSize[0]', 'integer', '1.5'],
    run: () => new wc.nn.AdaptiveAvgPool2d([1.5, 2]),
    valid: VALID.AdaptiveAvgPool2d,
  },
  // corr2d, matmul, kernelToMatrix
  { prefix: 'corr2d', kind: RangeError, says: ['[4,4]', 'input [3,3]'], run: () => wc.corr2d(x33(), wc.ones([4, 4])), valid: VALID.corr2d },
  {
    prefix: 'corr2d',
    kind: RangeError,
    says: ['2-D', '[1,3,3]'],
    run: () => wc.corr2d(wc.ones([1, 3, 3]), wc.ones([2, 2])),
    valid: VALID.corr2d,
  },
  {
    prefix: 'corr2d',
    kind: TypeError,
    says: ['kernel must be a Tensor', 'undefined'],
    run: () => (wc.corr2d as any)(x33()),
    valid: VALID.corr2d,
  },
  {
    prefix: 'matmul',
    kind: RangeError,
    says: ['[2,3]', 'inner sizes 3 and 2'],
    run: () => wc.matmul(wc.ones([2, 3]), wc.ones([2, 3])),
    valid: VALID.matmul,
  },
  { prefix: 'matmul', kind: RangeError, says: ['2-D', '[3]'], run: () => wc.matmul(wc.ones([3]), wc.ones([3, 1])), valid: VALID.matmul },
  {
    prefix: 'matmul',
    kind: TypeError,
    says: ['b must be a Tensor', 'null'],
    run: () => wc.matmul(wc.ones([2, 3]), null as any),
    valid: VALID.matmul,
  },
  {
    prefix: 'kernelToMatrix',
    kind: RangeError,
    says: ['[2,2]', '[1,1]'],
    run: () => wc.kernelToMatrix(wc.ones([2, 2]), [1, 1]),
    valid: VALID.kernelToMatrix,
  },
  {
    prefix: 'kernelToMatrix',
    kind: TypeError,
    says: ['[H, W]', '"3,3"'],
    run: () => wc.kernelToMatrix(wc.ones([2, 2]), '3,3' as any),
    valid: VALID.kernelToMatrix,
  },
  {
    prefix: 'kernelToMatrix',
    kind: RangeError,
    says: ['2-D', '[2]'],
    run: () => wc.kernelToMatrix(wc.ones([2]), [3, 3]),
    valid: VALID.kernelToMatrix,
  },
  // pad
  {
    prefix: 'pad',
    kind: RangeError,
    says: ["'circular'", '"wrap"'],
    run: () => wc.pad(x33(), [1, 1, 1, 1], 'wrap' as any),
    valid: VALID.pad,
  },
  { prefix: 'pad', kind: RangeError, says: ['(3, 3)', '[3,3]'], run: () => wc.pad(x33(), [3, 3, 0, 0], 'reflect'), valid: VALID.pad },
  { prefix: 'pad', kind: RangeError, says: ['4 values', 'got 3'], run: () => wc.pad(x33(), [1, 1, 1]), valid: VALID.pad },
  { prefix: 'pad', kind: TypeError, says: ["'reflect'", 'got 2'], run: () => wc.pad(x33(), [1, 1, 1, 1], 'reflect', 2), valid: VALID.pad },
  { prefix: 'pad', kind: RangeError, says: ['at least 2 dims', '[3]'], run: () => wc.pad(wc.ones([3]), [1, 1]), valid: VALID.pad },
  { prefix: 'pad', kind: TypeError, says: ['integer', '1.5'], run: () => wc.pad(x33(), [1.5, 1, 1, 1]), valid: VALID.pad },
  // misspelt option keys (PyTorch's snake_case among them) and outputs too large for wasm memory
  {
    prefix: 'conv2d',
    kind: TypeError,
    says: ['"strides"', 'stride, padding'],
    run: () => wc.conv2d(img(), w4(), null, { strides: 2 } as any),
    valid: VALID.conv2d,
  },
  {
    prefix: 'convTranspose2d',
    kind: TypeError,
    says: ['"output_padding"', 'outputPadding'],
    run: () => wc.convTranspose2d(wc.ones([1, 2, 3, 3]), wc.ones([2, 1, 3, 3]), null, { output_padding: 1 } as any),
    valid: VALID.convTranspose2d,
  },
  {
    prefix: 'unfold',
    kind: TypeError,
    says: ['"strides"', 'stride, padding, dilation'],
    run: () => wc.unfold(img(), 2, { strides: 2 } as any),
    valid: VALID.unfold,
  },
  {
    prefix: 'fold',
    kind: TypeError,
    says: ['"paddin"', 'stride, padding, dilation'],
    run: () => wc.fold(wc.ones([1, 4, 16]), 5, 2, { paddin: 1 } as any),
    valid: VALID.fold,
  },
  {
    prefix: 'Conv2d',
    kind: TypeError,
    says: ['"padding_mode"', 'paddingMode'],
    run: () => new wc.nn.Conv2d(3, 4, 3, { padding_mode: 'reflect' } as any),
    valid: VALID.Conv2d,
  },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ['[1,1,200001,200001]', '160001600004 bytes'],
    run: () => wc.conv2d(wc.ones([1, 1, 1, 1]), wc.ones([1, 1, 1, 1]), null, { padding: 1e5 }),
    valid: VALID.conv2d,
  },
  {
    prefix: 'convTranspose2d',
    kind: RangeError,
    says: ['[1,1,100001,100001]', 'bytes'],
    run: () => wc.convTranspose2d(wc.ones([1, 1, 2, 2]), wc.ones([1, 1, 1, 1]), null, { stride: 1e5 }),
    valid: VALID.convTranspose2d,
  },
  {
    prefix: 'unfold',
    kind: RangeError,
    says: ['[1,1,40000400001]', 'bytes'],
    run: () => wc.unfold(wc.ones([1, 1, 1, 1]), 1, { padding: 1e5 }),
    valid: VALID.unfold,
  },
  {
    prefix: 'pad',
    kind: RangeError,
    says: ['[200001,200001]', 'bytes'],
    run: () => wc.pad(wc.ones([1, 1]), [1e5, 1e5, 1e5, 1e5]),
    valid: VALID.pad,
  },
  {
    prefix: 'matmul',
    kind: RangeError,
    says: ['[100000,100000]', 'bytes'],
    run: () => wc.matmul(wc.ones([1e5, 1]), wc.ones([1, 1e5])),
    valid: VALID.matmul,
  },
  {
    prefix: 'kernelToMatrix',
    kind: RangeError,
    says: ['[9999800001,10000000000]', 'bytes'],
    run: () => wc.kernelToMatrix(wc.ones([2, 2]), [1e5, 1e5]),
    valid: VALID.kernelToMatrix,
  },
  // conv2d
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ['2 channels', 'expects 3', '[4,3,3,3]'],
    run: () => wc.conv2d(wc.ones([1, 2, 5, 5]), w4()),
    valid: VALID.conv2d,
  },
  { prefix: 'conv2d', kind: RangeError, says: ['[N, C, H, W]', '[5,5]'], run: () => wc.conv2d(wc.ones([5, 5]), w4()), valid: VALID.conv2d },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ['[O, C/groups, kh, kw]', '[3,3]'],
    run: () => wc.conv2d(img(), wc.ones([3, 3])),
    valid: VALID.conv2d,
  },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ['stride', '>= 1', '0'],
    run: () => wc.conv2d(img(), w4(), null, { stride: 0 }),
    valid: VALID.conv2d,
  },
  {
    prefix: 'conv2d',
    kind: TypeError,
    says: ['stride', 'integer', '1.5'],
    run: () => wc.conv2d(img(), w4(), null, { stride: 1.5 }),
    valid: VALID.conv2d,
  },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ["'same'", 'stride [2,2]'],
    run: () => wc.conv2d(img(), w4(), null, { stride: 2, padding: 'same' }),
    valid: VALID.conv2d,
  },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ['shape [4]', 'got [3]'],
    run: () => wc.conv2d(img(), w4(), wc.ones([3])),
    valid: VALID.conv2d,
  },
  {
    prefix: 'conv2d',
    kind: TypeError,
    says: ['bias', 'array of length 4'],
    run: () => wc.conv2d(img(), w4(), [1, 2, 3, 4] as any),
    valid: VALID.conv2d,
  },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ['[7,7]', 'padded input [5,5]'],
    run: () => wc.conv2d(img(), wc.ones([4, 3, 7, 7])),
    valid: VALID.conv2d, // an output side of 0
  },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ["'circular'", '"mirror"'],
    run: () => wc.conv2d(img(), w4(), null, { padding: 1, paddingMode: 'mirror' as any }),
    valid: VALID.conv2d,
  },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ["'reflect'", '[5,5,5,5]'],
    run: () => wc.conv2d(img(), w4(), null, { padding: 5, paddingMode: 'reflect' }),
    valid: VALID.conv2d,
  },
  {
    prefix: 'conv2d',
    kind: TypeError,
    says: ['options must be an object', '"same"'],
    run: () => wc.conv2d(img(), w4(), null, 'same' as any),
    valid: VALID.conv2d,
  },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ['groups 2', 'divide the 3 output channels'],
    run: () => wc.conv2d(wc.ones([1, 6, 5, 5]), wc.ones([3, 3, 3, 3]), null, { groups: 2 }),
    valid: VALID.conv2d,
  },
  // convTranspose2d
  {
    prefix: 'convTranspose2d',
    kind: RangeError,
    says: ['3 channels', 'expects 2'],
    run: () => wc.convTranspose2d(img(), wc.ones([2, 4, 3, 3])),
    valid: VALID.convTranspose2d,
  },
  {
    prefix: 'convTranspose2d',
    kind: RangeError,
    says: ['outputPadding [1,1]', 'stride [1,1]'],
    run: () => wc.convTranspose2d(img(), wT(), null, { outputPadding: 1 }),
    valid: VALID.convTranspose2d,
  },
  {
    prefix: 'convTranspose2d',
    kind: RangeError,
    says: ['[-3,-3]', 'input [5,5]'],
    run: () => wc.convTranspose2d(img(), wT(), null, { padding: 5 }),
    valid: VALID.convTranspose2d, // an output side below 1
  },
  {
    prefix: 'convTranspose2d',
    kind: RangeError,
    says: ['groups 2', '3 input channels'],
    run: () => wc.convTranspose2d(img(), wT(), null, { groups: 2 }),
    valid: VALID.convTranspose2d,
  },
  {
    prefix: 'convTranspose2d',
    kind: TypeError,
    says: ['padding', '"same"'],
    run: () => wc.convTranspose2d(img(), wT(), null, { padding: 'same' as any }),
    valid: VALID.convTranspose2d,
  },
  // unfold and fold
  { prefix: 'unfold', kind: RangeError, says: ['[7,7]', '[5,5]'], run: () => wc.unfold(img(), 7), valid: VALID.unfold },
  { prefix: 'unfold', kind: RangeError, says: ['kernelSize', '>= 1', '0'], run: () => wc.unfold(img(), 0), valid: VALID.unfold },
  { prefix: 'unfold', kind: RangeError, says: ['[N, C, H, W]', '[3,3]'], run: () => wc.unfold(x33(), 2), valid: VALID.unfold },
  { prefix: 'unfold', kind: TypeError, says: ['kernelSize', '"2"'], run: () => wc.unfold(img(), '2' as any), valid: VALID.unfold },
  { prefix: 'fold', kind: RangeError, says: ['(5)', 'kh·kw = 4'], run: () => wc.fold(wc.ones([1, 5, 4]), 3, 2), valid: VALID.fold },
  { prefix: 'fold', kind: RangeError, says: ['5 blocks', '[3,3]', '= 4'], run: () => wc.fold(wc.ones([1, 4, 5]), 3, 2), valid: VALID.fold },
  { prefix: 'fold', kind: RangeError, says: ['outputSize', '>= 1', '0'], run: () => wc.fold(wc.ones([1, 4, 4]), 0, 2), valid: VALID.fold },
  // losses
  {
    prefix: 'mseLoss',
    kind: RangeError,
    says: ['input has shape [2]', 'target has shape [3]'],
    run: () => wc.mseLoss(wc.ones([2]), wc.ones([3])),
    valid: VALID.mseLoss,
  },
  {
    prefix: 'mseLoss',
    kind: RangeError,
    says: ["'mean', 'sum' or 'none'", '"avg"'],
    run: () => wc.mseLoss(wc.ones([2]), wc.ones([2]), { reduction: 'avg' as any }),
    valid: VALID.mseLoss,
  },
  {
    prefix: 'mseLoss',
    kind: TypeError,
    says: ['"reduce"', 'reduction'],
    run: () => wc.mseLoss(wc.ones([2]), wc.ones([2]), { reduce: 'sum' } as any),
    valid: VALID.mseLoss,
  },
  {
    prefix: 'mseLoss',
    kind: TypeError,
    says: ['target must be a Tensor', 'array of length 2'],
    run: () => wc.mseLoss(wc.ones([2]), [1, 1] as any),
    valid: VALID.mseLoss,
  },
  // nn
  {
    prefix: 'loadStateDict',
    kind: RangeError,
    says: ['missing [weight]'],
    state: () => new wc.nn.Corr2d(wc.ones([2, 2])),
    run: (m: wc.nn.Corr2d) => m.loadStateDict({}),
    intact: (m: wc.nn.Corr2d) =>
      expect(m.weight.toArray()).toEqual([
        [1, 1],
        [1, 1],
      ]),
    valid: VALID.loadStateDict,
  },
  {
    prefix: 'loadStateDict',
    kind: RangeError,
    says: ['[3,3]', 'expected [2,2]'],
    state: () => new wc.nn.Corr2d(wc.ones([2, 2]), { bias: true }),
    run: (m: wc.nn.Corr2d) => m.loadStateDict({ bias: wc.tensor([5]), weight: wc.zeros([3, 3]) }),
    intact: (m: wc.nn.Corr2d) =>
      expect([m.weight.toArray(), m.bias!.toArray()]).toEqual([
        [
          [1, 1],
          [1, 1],
        ],
        [0],
      ]),
    valid: VALID.loadStateDict,
  },
  {
    prefix: 'loadStateDict',
    kind: TypeError,
    says: ['weight must be a Tensor', 'array of length 2'],
    run: () =>
      new wc.nn.Corr2d([2, 2]).loadStateDict({
        weight: [
          [1, 1],
          [1, 1],
        ] as any,
      }),
    valid: VALID.loadStateDict,
  },
  {
    prefix: 'loadStateDict',
    kind: TypeError,
    says: ['name → Tensor', 'null'],
    run: () => new wc.nn.Corr2d([2, 2]).loadStateDict(null as any),
    valid: VALID.loadStateDict,
  },
  {
    prefix: 'Parameter',
    kind: TypeError,
    says: ['Tensor', 'array of length 1'],
    run: () => new wc.nn.Parameter([1] as any),
    valid: VALID.Parameter,
  },
  {
    prefix: 'Parameter',
    kind: TypeError,
    says: ['boolean', '"yes"'],
    run: () => new wc.nn.Parameter(wc.ones([1]), 'yes' as any),
    valid: VALID.Parameter,
  },
  { prefix: 'Corr2d', kind: RangeError, says: ['kernelSize[0]', '>= 1', '0'], run: () => new wc.nn.Corr2d([0, 2]), valid: VALID.Corr2d },
  {
    prefix: 'Corr2d',
    kind: TypeError,
    says: ['bias', 'boolean', '1'],
    run: () => new wc.nn.Corr2d([2, 2], { bias: 1 as any }),
    valid: VALID.Corr2d,
  },
  {
    prefix: 'Corr2d',
    kind: TypeError,
    says: ['"biass"', 'bias'],
    run: () => new wc.nn.Corr2d([2, 2], { biass: true } as any),
    valid: VALID.Corr2d,
  },
  {
    prefix: 'Corr2d',
    kind: RangeError,
    says: ['[kh, kw]', '[1,2,2]'],
    run: () => new wc.nn.Corr2d(wc.ones([1, 2, 2])),
    valid: VALID.Corr2d,
  },
  {
    prefix: 'corr2d',
    kind: RangeError,
    says: ['[2,2]', 'input [1,1]'],
    run: () => new wc.nn.Corr2d([2, 2]).forward(wc.ones([1, 1])),
    valid: VALID.Corr2d,
  },
  { prefix: 'Conv2d', kind: RangeError, says: ['inChannels', '>= 1', '0'], run: () => new wc.nn.Conv2d(0, 4, 3), valid: VALID.Conv2d },
  {
    prefix: 'Conv2d',
    kind: TypeError,
    says: ['inChannels', 'integer', '1.5'],
    run: () => new wc.nn.Conv2d(1.5, 4, 3),
    valid: VALID.Conv2d,
  },
  {
    prefix: 'Conv2d',
    kind: RangeError,
    says: ['inChannels 3', 'groups 2'],
    run: () => new wc.nn.Conv2d(3, 4, 3, { groups: 2 }),
    valid: VALID.Conv2d,
  },
  {
    prefix: 'Conv2d',
    kind: TypeError,
    says: ['bias', 'boolean', '"no"'],
    run: () => new wc.nn.Conv2d(3, 4, 3, { bias: 'no' as any }),
    valid: VALID.Conv2d,
  },
  {
    prefix: 'Conv2d',
    kind: TypeError,
    says: ['seed', '"x"'],
    run: () => new wc.nn.Conv2d(3, 4, 3, { seed: 'x' as any }),
    valid: VALID.Conv2d,
  },
  {
    prefix: 'conv2d',
    kind: RangeError,
    says: ['2 channels', 'expects 3'],
    run: () => new wc.nn.Conv2d(3, 4, 3).forward(wc.ones([1, 2, 5, 5])),
    valid: VALID.Conv2d,
  },
  {
    prefix: 'MSELoss',
    kind: RangeError,
    says: ["'mean', 'sum' or 'none'", '"avg"'],
    run: () => new wc.nn.MSELoss({ reduction: 'avg' as any }),
    valid: VALID.MSELoss,
  },
  {
    prefix: 'MSELoss',
    kind: TypeError,
    says: ['options must be an object', '"sum"'],
    run: () => new wc.nn.MSELoss('sum' as any),
    valid: VALID.MSELoss,
  },
  {
    prefix: 'MSELoss',
    kind: TypeError,
    says: ['"reduce"', 'reduction'],
    run: () => new wc.nn.MSELoss({ reduce: 'sum' } as any),
    valid: VALID.MSELoss,
  },
  {
    prefix: 'mseLoss',
    kind: RangeError,
    says: ['[2]', '[2,1]'],
    run: () => new wc.nn.MSELoss().forward(wc.ones([2]), wc.ones([2, 1])),
    valid: VALID.MSELoss,
  },
  { prefix: 'Dropout', kind: RangeError, says: ['between 0 and 1', '2'], run: () => new wc.nn.Dropout(2), valid: VALID.Dropout },
  {
    prefix: 'Dropout',
    kind: TypeError,
    says: ['p must be a number', '"0.5"'],
    run: () => new wc.nn.Dropout('0.5' as any),
    valid: VALID.Dropout,
  },
  {
    prefix: 'CrossEntropyLoss',
    kind: RangeError,
    says: ['labelSmoothing', '-1'],
    run: () => new wc.nn.CrossEntropyLoss({ labelSmoothing: -1 }),
    valid: VALID.CrossEntropyLoss,
  },
  {
    prefix: 'CrossEntropyLoss',
    kind: TypeError,
    says: ['"ignore_index"', 'ignoreIndex'],
    run: () => new wc.nn.CrossEntropyLoss({ ignore_index: 0 } as any),
    valid: VALID.CrossEntropyLoss,
  },
  {
    prefix: 'CrossEntropyLoss',
    kind: RangeError,
    says: ['weight must be 1-D', '[2,2]'],
    run: () => new wc.nn.CrossEntropyLoss({ weight: wc.ones([2, 2]) }),
    valid: VALID.CrossEntropyLoss,
  },
  {
    prefix: 'crossEntropy',
    kind: RangeError,
    says: ['weight has 2 values', '3 classes'],
    run: () => new wc.nn.CrossEntropyLoss({ weight: wc.ones([2]) }).forward(leaf([1, 3]), [0]),
    valid: VALID.CrossEntropyLoss,
  },
  { prefix: 'Linear', kind: RangeError, says: ['inFeatures', '>= 1', '0'], run: () => new wc.nn.Linear(0, 2), valid: VALID.Linear },
  {
    prefix: 'Linear',
    kind: TypeError,
    says: ['"biass"', 'bias'],
    run: () => new wc.nn.Linear(2, 2, { biass: false } as any),
    valid: VALID.Linear,
  },
  {
    prefix: 'linear',
    kind: RangeError,
    says: ['3 features', 'expects 2'],
    run: () => new wc.nn.Linear(2, 1).forward(wc.ones([4, 3])),
    valid: VALID.Linear,
  },
  {
    prefix: 'Flatten',
    kind: TypeError,
    says: ['startDim', 'integer', '"1"'],
    run: () => new wc.nn.Flatten('1' as any),
    valid: VALID.Flatten,
  },
  {
    prefix: 'flatten',
    kind: RangeError,
    says: ['startDim 1', 'expected -1 to 0'],
    run: () => new wc.nn.Flatten().forward(wc.ones([3])),
    valid: VALID.Flatten,
  },
  // optim
  { prefix: 'SGD', kind: RangeError, says: ['empty parameter list'], run: () => new wc.optim.SGD([]), valid: VALID.SGD },
  { prefix: 'SGD', kind: RangeError, says: ['lr', '>= 0', '-1'], run: () => new wc.optim.SGD([param()], { lr: -1 }), valid: VALID.SGD },
  {
    prefix: 'SGD',
    kind: TypeError,
    says: ['"weight_decay"', 'weightDecay'],
    run: () => new wc.optim.SGD([param()], { weight_decay: 0.1 } as any),
    valid: VALID.SGD,
  },
  {
    prefix: 'SGD',
    kind: TypeError,
    says: ['iterable of Tensors', 'a Parameter'],
    run: () => new wc.optim.SGD(param() as any),
    valid: VALID.SGD,
  },
  {
    prefix: 'SGD',
    kind: RangeError,
    says: ['shape [2]', 'grad has shape [3]'],
    state: () => {
      const [a, b] = [param(), param()];
      a.grad = wc.ones([2]);
      b.grad = wc.ones([3]);
      return { a, b, opt: new wc.optim.SGD([a, b], { lr: 1, momentum: 0.9 }) };
    },
    run: (s: { opt: wc.optim.SGD }) => s.opt.step(),
    intact: (s: { a: Tensor; b: Tensor }) =>
      expect([s.a.toArray(), s.b.toArray()]).toEqual([
        [1, 1],
        [1, 1],
      ]),
    valid: VALID.SGD,
  },
  {
    prefix: 'SGD',
    kind: TypeError,
    says: ['params[0].grad', 'array of length 2'],
    state: () => {
      const p = param();
      (p as any).grad = [1, 1];
      return { p, opt: new wc.optim.SGD([p]) };
    },
    run: (s: { opt: wc.optim.SGD }) => s.opt.step(),
    intact: (s: { p: Tensor }) => expect(s.p.toArray()).toEqual([1, 1]),
    valid: VALID.SGD,
  },
];
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A copy of all of WebAssembly memory, to prove a misuse wrote nothing there. */
function wasmMemory(): Uint8Array {
  return new Uint8Array(wasmRuntime('test').exports.memory.buffer).slice();
}

function caught(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

/** The call as written in this file, for the test name. */
function source(m: Misuse): string {
  return m.run
    .toString()
    .replace(/__vite_ssr_import_\d+__\./g, 'wc.')
    .replace(/\s+/g, ' ')
    .replace(/^\(\w*\) => (\{ )?/, '')
    .replace(/;?( \})?$/, '');
}

const counted = new Set<number>();
afterAll(() => console.log(`errors.test: ${MISUSES.length} misuse cases, ${counted.size} run on each backend`));

describe.each(BACKENDS)('misuse on the %s backend', (backend) => {
  it('the table covers at least 60 misuses of every public function and class', () => {
    expect(MISUSES.length).toBeGreaterThanOrEqual(60);
    const covered = new Set(MISUSES.map((m) => m.prefix));
    for (const name of [
      'setBackend',
      'tensor',
      'zeros',
      'ones',
      'full',
      'arange',
      'rand',
      'randn',
      'manualSeed',
      'Generator',
      'noGrad',
      'Tensor',
      'add',
      'sub',
      'mul',
      'div',
      'neg',
      'pow',
      'square',
      'sum',
      'mean',
      'corr2d',
      'pad',
      'kernelToMatrix',
      'conv2d',
      'convTranspose2d',
      'unfold',
      'fold',
      'matmul',
      'mseLoss',
      'loadStateDict',
      'Parameter',
      'Corr2d',
      'Conv2d',
      'MSELoss',
      'SGD',
    ]) {
      expect(covered, name).toContain(name);
    }
    for (const name of ['argmax', 'flatten', 'transpose', 't', 'linear', 'Linear', 'Flatten']) expect(covered, name).toContain(name);
    for (const name of [
      'relu',
      'sigmoid',
      'tanh',
      'exp',
      'log',
      'softmax',
      'logSoftmax',
      'crossEntropy',
      'dropout',
      'Dropout',
      'CrossEntropyLoss',
    ]) {
      expect(covered, name).toContain(name);
    }
    for (const name of ['maxPool2d', 'avgPool2d', 'adaptiveAvgPool2d', 'MaxPool2d', 'AvgPool2d', 'AdaptiveAvgPool2d'])
      expect(covered, name).toContain(name);
  });

  it.each(MISUSES.map((m, i) => [`${i + 1}. ${m.kind.name} ${source(m)}`, i] as const))('%s', (_, i) => {
    const m = MISUSES[i];
    onBackend(backend, () => {
      const state = m.state?.();
      const before = wasmMemory();
      const err = caught(() => m.run(state));
      expect(err, 'it must throw').toBeInstanceOf(m.kind);
      expect(err!.constructor, `${err!.constructor.name}: ${err!.message}`).toBe(m.kind); // not a subclass
      expect(err!.message.startsWith(`${m.prefix}: `), err!.message).toBe(true);
      for (const fragment of m.says) expect(err!.message).toContain(fragment);
      const after = wasmMemory();
      expect(after.length, 'WebAssembly memory grew').toBe(before.length);
      expect(Buffer.compare(after, before), 'WebAssembly memory was written').toBe(0);
      m.intact?.(state);
      m.valid();
      counted.add(i);
    });
  });
});

describe('init() misuse', () => {
  it('refuses an unknown option key, and a later init() still works', async () => {
    await expect(wc.init({ buld: 'simd' } as never)).rejects.toThrowError(
      /^init: unknown option "buld"; the options are wasm, build, threads$/,
    );
    await wc.init();
    VALID.corr2d();
  });

  it('refuses a bad build name even once initialised, and the instance keeps working', async () => {
    await wc.init();
    const attempt = wc.init({ build: 'avx' as never });
    await expect(attempt).rejects.toThrowError(TypeError);
    await expect(attempt).rejects.toThrowError(/^init: opts.build must be 'auto', 'simd' or 'relaxed-simd', got "avx"/);
    VALID.conv2d();
  });

  it('refuses opts.wasm of the wrong kind even once initialised', async () => {
    await expect(wc.init({ wasm: 42 as never })).rejects.toThrowError(
      /^init: opts.wasm must be bytes, a WebAssembly.Module or a URL, got 42/,
    );
    VALID.matmul();
  });
});
