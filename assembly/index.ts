// Kernels only: every export takes byte pointers into linear memory and i32 sizes, writes into
// caller-given buffers and returns void. TypeScript (src/wasm/arena.ts) owns all memory above
// the heap base; nothing here allocates.

/** First byte that TypeScript's arena may hand out. */
export function heap_base(): usize {
  return __heap_base;
}

export * from './bias';
export * from './corr2d';
export * from './elementwise';
export * from './gemm';
export * from './im2col';
export * from './optim';
export * from './pad';
