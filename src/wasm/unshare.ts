// One binary for one thread and for many: the module is built to import a shared memory (the
// threads need one), and for one thread its import is flipped to a plain memory here, by changing
// the limits flag of the `memory` import in the import section (0x03 shared with a maximum → 0x01
// a maximum), the same size in bytes. Atomics stay valid on plain memory; the kernels use none.
// A plain memory keeps one thread as fast as before (no shared-buffer copies on the JS side).

/** A copy of wasm `bytes` whose memory import is not shared; the bytes themselves when there is none to change. */
export function unsharedMemory(bytes: BufferSource): BufferSource {
  const view = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
  const at = sharedMemoryFlag(view);
  if (at < 0) return bytes;
  const copy = view.slice();
  copy[at] = 0x01;
  return copy;
}

/** The offset of the shared limits flag of the memory import, or -1 (no import section, no shared memory import, or bytes it cannot read). */
function sharedMemoryFlag(b: Uint8Array): number {
  let p = 8; // magic and version
  const u32 = () => {
    let v = 0;
    for (let shift = 0; p < b.length; shift += 7) {
      const byte = b[p++];
      v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return v;
    }
    return -1;
  };
  while (p < b.length) {
    const id = b[p++];
    const size = u32();
    const end = p + size;
    if (size < 0 || end > b.length) return -1;
    if (id !== 2) {
      p = end;
      continue;
    }
    for (let n = u32(); n > 0 && p < end; n--) {
      for (let name = 0; name < 2; name++) {
        const length = u32(); // module name, then field name
        p += length;
      }
      const kind = b[p++];
      if (kind === 0x02) return b[p] === 0x03 ? p : -1; // memory: limits flag
      if (kind === 0x00)
        u32(); // function: type index
      else if (kind === 0x01) {
        p++; // table: element type, then limits
        const flag = b[p++];
        u32();
        if (flag & 1) u32();
      } else if (kind === 0x03)
        p += 2; // global: value type, mutability
      else return -1;
    }
    return -1;
  }
  return -1;
}
