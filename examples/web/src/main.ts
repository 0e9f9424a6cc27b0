// The wasmconv notebook page: imports the package by its name, as an application would, and
// mounts one panel per section of the notebook. The library is also left on `window.wc` so it
// can be tried from the browser console.
import * as wc from 'wasmconv';
import { mountCorrelation } from './panels/correlation.js';
import { mountLeNet } from './panels/lenet.js';
import { mountMatrix } from './panels/matrix.js';
import { mountPicture } from './panels/picture.js';
import { mountTraining } from './panels/training.js';
import { byId } from './view/dom.js';
import './style.css';

declare global {
  interface Window {
    wc: typeof wc;
    /** The panels' latest results, for the console and the browser tests. */
    wasmconvDemo: { picture: ReturnType<typeof mountPicture>; lenet: ReturnType<typeof mountLeNet> };
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  await wc.init();
  const initMs = performance.now() - t0;
  byId('status').textContent =
    `WebAssembly ready: the embedded ${wc.wasmBuild()} build, instantiated in ${initMs.toFixed(1)} ms ` +
    `(no .wasm file fetched; cross-origin isolated: ${crossOriginIsolated ? 'yes' : 'no, and not needed'}).`;
  document.body.dataset.wasmBuild = String(wc.wasmBuild());

  mountCorrelation(byId('correlation'));
  const picture = mountPicture(byId('picture'));
  mountTraining(byId('training'), (kernel) => picture.setLearned(kernel));
  mountMatrix(byId('matrix'));
  const lenet = mountLeNet(byId('lenet'));
  window.wc = wc;
  window.wasmconvDemo = { picture, lenet };
  document.body.dataset.ready = 'true';
}

main().catch((err: unknown) => {
  document.body.dataset.ready = 'error';
  byId('status').textContent = `wasmconv failed to start: ${String(err)}`;
  byId('status').classList.add('error');
  console.error(err);
});
