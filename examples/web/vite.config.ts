// `npm run web` serves this page and `npm run web:build` writes it to examples/web/dist. The page
// imports 'wasmconv' by name, which resolves through the package's own "exports" to dist/index.js,
// as it would from node_modules. No plugin and no setting for the WebAssembly: the kernels travel
// inside wasmconv's JavaScript.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true },
});
