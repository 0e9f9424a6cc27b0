// `npx tsx tests/torch/networks-file.ts` (re)writes tests/torch/data/networks-lenet-wasmconv.safetensors:
// d2l's LeNet trained by wasmconv (wasm backend) through the run of the networks fixture, saved
// with its state_dict keys. It is committed: tests/torch/networks.test.ts checks that it holds what
// this version trains, and `npm run fixtures -- networks` that PyTorch loads it strictly and
// predicts with it what its own run predicts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as wc from '../../src/index.js';
import { networks, trainNetwork, WASMCONV_FILE } from './networks.js';

await wc.init();
const lenet = networks.cases.find((c) => c.args.model === 'lenet-d2l')!;
const { net } = trainNetwork(networks, lenet);
const target = new URL(`./data/${WASMCONV_FILE}`, import.meta.url);
writeFileSync(target, wc.saveSafetensors(net.stateDict(), { format: 'pt', producer: 'wasmconv' }));
console.log(`wrote ${fileURLToPath(target)}`);
