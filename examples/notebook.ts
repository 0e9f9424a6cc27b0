// The notebook "卷积层" (convolutional layers, d2l) reproduced section by section with wasmconv.
// Run: npm run demo            (add `-- --backend js` to run on the reference backend)
import * as wc from 'wasmconv';

const backend = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : 'wasm';
await wc.init();
wc.setBackend(backend as wc.BackendName);
console.log(`wasmconv notebook demo (backend: ${wc.getBackend()})\n`);

function section(title: string): void {
  console.log(`\n## ${title}\n`);
}

section('二维互相关运算 (2-D cross-correlation)');
{
  const X = wc.arange(9).reshape(3, 3);
  const V = wc.arange(4).reshape(2, 2);
  console.log(wc.corr2d(X, V).toString());
}

section('基于互相关函数实现一个卷积层 (a convolutional layer from corr2d: edge detection)');
// X and o stay in scope: the next section learns the kernel back from them.
const X = wc.ones([6, 8]);
X.set(':, 2:6', 0);
const marginDetector = new wc.nn.Corr2d(wc.tensor([[-1.0, 1]])); // the notebook's CovLayer(V)
const o = marginDetector.forward(X);
console.log(X.toString());
console.log(o.toString());

section('通过输入输出学习卷积核 (learn the kernel from input and output)');
{
  wc.manualSeed(0); // a reproducible start; torch.rand draws other numbers, so the losses differ
  const V0 = wc.rand([1, 2]);
  const target = o.detach();
  const covNet = new wc.nn.Corr2d(V0);
  const optim = new wc.optim.SGD(covNet.parameters(), { lr: 0.1 });
  const loss = new wc.nn.MSELoss();
  const epochs = 100;
  for (let i = 0; i < epochs; i++) {
    const op = covNet.forward(X);
    const l = loss.forward(op.reshape(1, -1), target.reshape(1, -1));
    optim.zeroGrad();
    l.backward();
    optim.step();
    if (i % 10 === 0) console.log(`step${i + 1}, loss=${l.item().toFixed(5)}`);
  }
  // printed as PyTorch prints cov_net.state_dict()
  const entries = Object.entries(covNet.stateDict()).map(([name, t]) => `('${name}', ${t})`);
  console.log(`OrderedDict([${entries.join(', ')}])`);
}

section('通过nn.Conv2d()进行构造和训练 (build and train with nn.Conv2d)');
{
  // 4-D input and output (batch, channel, height, width), batch and channels both 1: the edge
  // image X from above and its edges Y, built as the notebook builds them
  const X4 = X.reshape(1, 1, 6, 8);
  const Y = wc.zeros([6, 7]).set(':, 1', -1.0).set(':, 5', 1.0).reshape(1, 1, 6, 7);
  // one conv layer without bias (initialised from the global generator, so its losses differ from PyTorch's)
  const cov2d = new wc.nn.Conv2d(1, 1, [1, 2], { bias: false });
  const numEpoch = 10;
  const lr = 3e-2;
  for (let epoch = 0; epoch < numEpoch; epoch++) {
    const l = cov2d.forward(X4).sub(Y).pow(2).sum();
    cov2d.zeroGrad();
    l.backward();
    // cov2d.weight.data[:] -= lr * cov2d.weight.grad
    const w = cov2d.weight.data;
    const g = cov2d.weight.grad!.data;
    for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
    console.log(`In epoch${epoch + 1}, loss = ${l.item().toFixed(5)}`);
  }
  const entries = Object.entries(cov2d.stateDict()).map(([name, t]) => `('${name}', ${t})`);
  console.log(`OrderedDict([${entries.join(', ')}])`);
}

section('通过矩阵操作实现卷积操作 (convolution through matrix operations)');
{
  /** The largest |a - b| over all entries (0 means the results are identical). */
  const maxAbsDiff = (a: wc.Tensor, b: wc.Tensor) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);

  /** 2-D tensors printed next to each other under their labels, one row of numbers per line. */
  function sideBySide(blocks: [string, wc.Tensor][]): string {
    const grids = blocks.map(([, t]) => (t.toArray() as number[][]).map((row) => row.map((v) => String(v))));
    const cell = Math.max(...grids.flat(2).map((v) => v.length));
    const lines = grids.map((g) => g.map((row) => row.map((v) => v.padStart(cell)).join(' ')));
    const widths = blocks.map(([label], i) => Math.max(label.length, lines[i][0].length) + 4);
    const join = (parts: string[]) =>
      parts
        .map((p, i) => p.padEnd(widths[i]))
        .join('')
        .trimEnd();
    return [join(blocks.map(([label]) => label)), ...lines[0].map((_, r) => join(lines.map((l) => l[r])))].join('\n');
  }

  // One cross-correlation of X [H, W] with K [kh, kw], four ways:
  //   the sparse matrix W [Ho·Wo, H·W] of K times vec(X) (kernelToMatrix); the flattened kernel
  //   times the im2col matrix of X (unfold); corr2d; conv2d on X as one single-channel image.
  function throughMatrices(name: string, X: wc.Tensor, K: wc.Tensor): void {
    const [h, w] = X.shape;
    const [kh, kw] = K.shape;
    const [oh, ow] = [h - kh + 1, w - kw + 1];
    const W = wc.kernelToMatrix(K, [h, w]);
    console.log(`${name}\nW = kernelToMatrix(K, [${h}, ${w}]), shape [${W.shape}]:\n${W}`);
    const cols = wc.unfold(X.reshape(1, 1, h, w), [kh, kw]);
    console.log(`unfold(X.reshape(1, 1, ${h}, ${w}), [${kh}, ${kw}]) (im2col), shape [${cols.shape}]:\n${cols}\n`);
    const results: [string, wc.Tensor][] = [
      ['W · vec(X)', wc.matmul(W, X.reshape(h * w, 1)).reshape(oh, ow)],
      ['K.reshape(1,-1) · unfold(X)', wc.matmul(K.reshape(1, -1), cols.reshape(kh * kw, oh * ow)).reshape(oh, ow)],
      ['corr2d(X, K)', wc.corr2d(X, K)],
      ['conv2d(X, K)', wc.conv2d(X.reshape(1, 1, h, w), K.reshape(1, 1, kh, kw)).reshape(oh, ow)],
    ];
    console.log(sideBySide(results));
    const worst = Math.max(...results.map(([, t]) => maxAbsDiff(t, results[2][1])));
    console.log(`max |difference| between them: ${worst} → ${worst === 0 ? 'all four are equal' : 'they differ'}\n`);
  }

  throughMatrices('3x3 X = arange(9), 2x2 K = arange(4):', wc.arange(9).reshape(3, 3), wc.arange(4).reshape(2, 2));
  throughMatrices('the 6x8 edge image X, K = [[-1, 1]]:', X, wc.tensor([[-1.0, 1]]));
}
