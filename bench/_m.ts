import { backendRunner, measure, initWasm } from './harness.js';
import * as wc from 'wasmconv';
await initWasm('simd');
const x = wc.randn([1, 32, 112, 112], { seed: 1 });
const w = wc.randn([32, 1, 3, 3], { seed: 2 });
const t = await measure([{ name: 'h', flops: 1, setup: () => () => wc.conv2d(x, w, null, { padding: 1, groups: 32 }) }], [backendRunner('wasm')], { quick: false });
console.log(t[0].medianMs, t[0].samples);
