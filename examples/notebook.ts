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
{
  const X = wc.ones([6, 8]);
  X.set(':, 2:6', 0);
  const V = wc.tensor([[-1.0, 1]]);
  const o = wc.corr2d(X, V);
  console.log(X.toString());
  console.log(o.toString());
}
