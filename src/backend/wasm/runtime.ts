// The one doorway from the wasm backend into WebAssembly memory. A kernel call is:
//   const { arena, exports } = begin('name');  pointers = arena.put/putInt32/alloc(...);
//   exports.kernel(pointers, sizes);  arena.read(outPtr, out);
// Every allocation happens before the kernel runs and the view is fetched after the last one,
// so a memory.grow inside a call can never leave a stale view behind.
import type { Arena } from '../../wasm/arena.js';
import { wasmRuntime } from '../../wasm/loader.js';

export function begin<E>(kernel: string): { arena: Arena; exports: E } {
  const rt = wasmRuntime(kernel);
  rt.arena.reset();
  return { arena: rt.arena, exports: rt.exports as unknown as E };
}
