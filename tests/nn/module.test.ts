// nn.Module and nn.Parameter: parameter discovery with dotted names, zeroGrad, and stateDict /
// loadStateDict with their name and shape checks (a refused load changes nothing).
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BACKENDS, expectError } from '../helpers.js';

beforeAll(() => wc.init());

const { Module, Parameter } = wc.nn;

class Affine extends Module {
  readonly w: wc.nn.Parameter;
  readonly b: wc.nn.Parameter;
  constructor(scale: number) {
    super();
    this.w = new Parameter(wc.full([2, 3], scale));
    this.b = new Parameter(wc.zeros([3]));
  }
  forward(x: Tensor): Tensor {
    return x.mul(this.w).add(this.b);
  }
}

class Net extends Module {
  readonly first = new Affine(1);
  readonly blocks = [new Affine(2), new Affine(3)];
  readonly constant = wc.ones([3]); // a plain tensor is not a parameter
  readonly tied: wc.nn.Parameter;
  readonly note = 'not a module';
  constructor() {
    super();
    this.tied = this.first.w; // a shared parameter is listed once, under its first name
  }
  forward(x: Tensor): Tensor {
    return this.blocks.reduce((y, m) => m.forward(y), this.first.forward(x));
  }
}

const snapshot = (m: wc.nn.Module) => m.parameters().map((p) => Array.from(p.data));

describe.each(BACKENDS)('nn.Module on %s', (backend) => {
  beforeEach(() => wc.setBackend(backend));

  it('namedParameters walks fields depth first with dotted names; parameters() follows the same order', () => {
    const net = new Net();
    const named = net.namedParameters();
    expect(named.map(([n]) => n)).toEqual(['first.w', 'first.b', 'blocks.0.w', 'blocks.0.b', 'blocks.1.w', 'blocks.1.b']);
    expect(net.parameters()).toEqual(named.map(([, p]) => p));
    expect(named[0][1]).toBe(net.first.w);
    expect(new wc.nn.MSELoss().parameters()).toEqual([]);
  });

  it('zeroGrad sets every parameter gradient to null', () => {
    const net = new Net();
    net
      .forward(wc.ones([2, 3]))
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('stateDict holds detached copies under dotted names', () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(['first.w', 'first.b', 'blocks.0.w', 'blocks.0.b', 'blocks.1.w', 'blocks.1.b']);
    expect(sd['blocks.1.w'].toArray()).toEqual([
      [3, 3, 3],
      [3, 3, 3],
    ]);
    expect(sd['first.w'].requiresGrad).toBe(false);
    expect(sd['first.w'].data).not.toBe(net.first.w.data);
    sd['first.w'].data.fill(9);
    expect(net.first.w.data[0], 'editing the copy leaves the parameter').toBe(1);
    net.first.w.data.fill(5);
    expect(sd['first.w'].data[0], 'training on leaves the copy').toBe(9);
  });

  it('loadStateDict copies values in by name, into the same parameter objects', () => {
    const a = new Net();
    const b = new Net();
    a.blocks[0].w.data.fill(7);
    const w = b.blocks[0].w;
    b.loadStateDict(a.stateDict());
    expect(b.blocks[0].w).toBe(w);
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(b.blocks[0].w.requiresGrad).toBe(true);
  });

  it('loadStateDict refuses missing, unexpected, mis-shaped and non-tensor entries, and changes nothing', () => {
    const net = new Net();
    const before = snapshot(net);
    const good = () => {
      const sd = new Net().stateDict();
      for (const t of Object.values(sd)) t.data.fill(-1);
      return sd;
    };
    const { ['blocks.1.b']: _, ...missing } = good();
    expectError(() => net.loadStateDict(missing), RangeError, 'loadStateDict:');
    expectError(() => net.loadStateDict({ ...good(), extra: wc.ones([1]) }), RangeError, 'loadStateDict:');
    // the bad entry comes last, after entries that would load fine
    expectError(() => net.loadStateDict({ ...good(), 'blocks.1.b': wc.ones([4]) }), RangeError, 'loadStateDict:');
    expectError(() => net.loadStateDict({ ...good(), 'blocks.1.w': wc.ones([3, 2]) }), RangeError, 'loadStateDict:');
    expectError(() => net.loadStateDict({ ...good(), 'blocks.1.w': wc.ones([1, 2, 3]) }), RangeError, 'loadStateDict:');
    expectError(() => net.loadStateDict({ ...good(), 'blocks.1.b': [0, 0, 0] as unknown as Tensor }), TypeError, 'loadStateDict:');
    expectError(() => net.loadStateDict(null as unknown as Record<string, Tensor>), TypeError, 'loadStateDict:');
    expect(snapshot(net)).toEqual(before);
  });
});

/** A module with buffers beside its parameters, registered as torch's register_buffer does. */
class Stats extends Module {
  readonly weight = new Parameter(wc.ones([2]));
  declare running_mean: Tensor;
  declare count: Tensor;
  constructor() {
    super();
    this.registerBuffer('running_mean', wc.zeros([2]));
    this.registerBuffer('count', wc.zeros([]));
  }
  forward(x: Tensor): Tensor {
    return x.mul(this.weight);
  }
}

class Tree extends Module {
  readonly a = new Stats();
  readonly list = [new Affine(1), new Stats()];
  forward(x: Tensor): Tensor {
    return x;
  }
}

describe('nn.Module: buffers, children, modules, apply, train and eval', () => {
  it("stateDict holds registered buffers after each module's parameters, under dotted names; parameters() leaves them out", () => {
    const t = new Tree();
    expect(Object.keys(t.stateDict())).toEqual([
      'a.weight',
      'a.running_mean',
      'a.count',
      'list.0.w',
      'list.0.b',
      'list.1.weight',
      'list.1.running_mean',
      'list.1.count',
    ]);
    expect(t.namedBuffers().map(([n]) => n)).toEqual(['a.running_mean', 'a.count', 'list.1.running_mean', 'list.1.count']);
    expect(t.parameters()).toHaveLength(4);
    expect(t.buffers()[0]).toBe(t.a.running_mean);
    expect(t.a.running_mean.requiresGrad).toBe(false);
  });

  it('loadStateDict loads buffers too, and refuses a state dict missing one without changing anything', () => {
    const src = new Tree();
    src.a.running_mean.data.set([3, 4]);
    src.list[1].parameters()[0].data.fill(2);
    const dst = new Tree();
    dst.loadStateDict(src.stateDict());
    expect(Array.from(dst.a.running_mean.data)).toEqual([3, 4]);
    const { ['list.1.count']: _, ...missing } = src.stateDict();
    const other = new Tree();
    expectError(() => other.loadStateDict(missing), RangeError, 'loadStateDict: names do not match: missing [list.1.count]');
    expect(Array.from(other.a.running_mean.data)).toEqual([0, 0]);
  });

  it('children, namedChildren, modules and namedModules list the module tree as PyTorch does', () => {
    const t = new Tree();
    expect(t.namedChildren().map(([n]) => n)).toEqual(['a', 'list.0', 'list.1']);
    expect(t.children()).toEqual([t.a, t.list[0], t.list[1]]);
    expect(t.namedModules().map(([n]) => n)).toEqual(['', 'a', 'list.0', 'list.1']);
    expect(t.modules()[0]).toBe(t);
  });

  it('apply visits children before their parent and returns the module', () => {
    const t = new Tree();
    const order: wc.nn.Module[] = [];
    expect(t.apply((m) => order.push(m))).toBe(t);
    expect(order).toEqual([t.a, t.list[0], t.list[1], t]);
    expectError(() => t.apply(3 as unknown as () => void), TypeError, 'apply:');
  });

  it('train and eval set the mode of every module below, and return the module', () => {
    const t = new Tree();
    expect(t.modules().every((m) => m.training)).toBe(true);
    expect(t.eval()).toBe(t);
    expect(t.modules().map((m) => m.training)).toEqual([false, false, false, false]);
    t.train();
    expect(t.list[1].training).toBe(true);
    t.train(false);
    expect(t.a.training).toBe(false);
    expectError(() => t.train('yes' as unknown as boolean), TypeError, 'train:');
  });
});

describe('nn.Parameter', () => {
  it('is a leaf that requires grad and shares the values of the tensor it wraps', () => {
    const t = wc.tensor([1, 2]);
    const p = new Parameter(t);
    expect(p).toBeInstanceOf(wc.Tensor);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p.data).toBe(t.data);
    expect(new Parameter(t, false).requiresGrad).toBe(false);
    const q = new Parameter(wc.tensor([1], [1], { requiresGrad: true }).mul(2));
    expect(q.isLeaf, 'wrapping a computed tensor makes a new leaf').toBe(true);
  });

  it('refuses a non-tensor', () => {
    expectError(() => new Parameter([1, 2] as unknown as Tensor), TypeError, 'Parameter:');
  });
});
