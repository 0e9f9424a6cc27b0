// Kernels only: every export takes byte pointers into linear memory and i32 sizes, writes into
// caller-given buffers and returns void. TypeScript (src/wasm/arena.ts) owns all memory above
// the heap base; nothing here allocates.

/** First byte that TypeScript's arena may hand out. */
export function heap_base(): usize {
  return __heap_base;
}

export * from './batch-norm';
export * from './bias';
export * from './conv-direct';
export * from './corr2d';
export * from './depthwise';
export * from './elementwise';
export {
  conv2d_f32,
  conv2d_grad_input_f32,
  conv2d_grad_input_scratch_f32,
  conv2d_pack_dy_f32,
  conv2d_pack_weights_f32,
  conv2d_pack_weights_t_f32,
  conv2d_packed_dy_f32,
  conv2d_packed_weights_f32,
  conv2d_packed_weights_t_f32,
  conv2d_grad_weight_f32,
  conv2d_grad_weight_prep_f32,
  conv2d_grad_weight_prep_units_f32,
  conv2d_grad_weight_scratch_f32,
  conv2d_padded_image_f32,
  conv2d_phase_add_f32,
  conv2d_phase_weights_f32,
  conv2d_scratch_f32,
  sum_parts_f32,
} from './conv';
export {
  gemm_f32_scalar,
  gemm_pack_a_f32,
  gemm_pack_b_f32,
  gemm_packed_a_f32,
  gemm_packed_b_f32,
  gemm_tiles_f32,
} from './gemm';
export { col2im_f32, im2col_f32, im2col_scratch_f32 } from './im2col';
export * from './optim';
export * from './pad';
export { argmax_f32, broadcast_dims_f32, sum_dims_f32 } from './reduce';
export * from './transpose';
export * from './activation';
export * from './cross-entropy';
export * from './softmax';
export * from './pool';
