// The safetensors format (huggingface/safetensors), as the Rust library behind
// `safetensors.torch.save_file` and `load_file` writes and reads it (safetensors/src/tensor.rs):
//
//   8 bytes   N, a little-endian u64: the header's length
//   N bytes   the header, UTF-8 JSON: {"__metadata__"?: {string: string},
//                                      name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
//             padded with spaces to a multiple of 8 bytes (so that every tensor's data is aligned)
//   data      every tensor's values, little-endian, row-major, at [begin, end) of the data section
//
// Writing follows `prepare`: tensors sorted by dtype (largest alignment first; here all F32) then
// by name in code point order (Rust's byte order of UTF-8), laid out one after another in that
// order, the header in serde_json's compact form with __metadata__ first (its keys in
// Object.entries order; the Rust library's HashMap gives no order), then the tensors in the same order.
//
// Reading follows `SafeTensors::read_metadata` and `Metadata::validate`: the whole header is
// checked before any data is read (its length within the file and at most 100 MB, UTF-8, JSON,
// an object; each entry an object with a known dtype, a shape of non-negative integers and two
// data_offsets; shape × dtype size equal to the offsets' span; sorted by offsets, the tensors
// start at 0, neither overlap nor leave gaps, and end exactly at the end of the file), so a bad
// file throws and nothing is half-loaded. Stricter than the Rust library in two places: a name
// (or a field of an entry) given twice is refused, where serde keeps the last one silently; and a
// tensor must fit in one of our tensors (2^30 values).
//
// Errors start with the function's name: a TypeError where a header value has the wrong JSON type
// (the header not an object, a dtype not a string, shape entries not integers, a metadata value
// not a string); a RangeError for everything about sizes and values (lengths, UTF-8, JSON syntax,
// unknown dtypes, negative or mismatched sizes, offsets, duplicates).
//
// Every dtype is read into float32 as torch's `.float()` converts it: F32 as is (NaN payloads
// too), F16 and BF16 exactly (every value of theirs is a float32), F64 rounded to nearest, ties to
// even (overflowing to ±Infinity, underflowing through float32's subnormals to ±0); integers
// exactly up to 2^24 in magnitude, and beyond it rounded to the nearest float32, ties to even:
// 2^24 + 1 reads as 2^24, and an I64/U64 like 2^60 + 2^36 + 1 as 2^60 + 2^37 (rounded once from
// the exact integer, not through float64, whose rounding first would give 2^60); BOOL as 0 or 1
// (any non-zero byte is true).
import { Tensor } from '../tensor.js';
import { MAX_ELEMENTS, describe, fmtShape } from '../shape.js';
import { type Json, JsonNumber, JsonObject, parseJson } from './json.js';

/** The header's length may be at most this, as the Rust library allows (MAX_HEADER_SIZE). */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

/**
 * The dtypes read: bytes per value, and the typed array that holds them where JavaScript has one
 * (TypedArray.set converts its values to float32 as torch does: exactly, or rounded once to nearest).
 */
const DTYPES = {
  BOOL: { size: 1, array: null },
  U8: { size: 1, array: Uint8Array },
  I8: { size: 1, array: Int8Array },
  I16: { size: 2, array: Int16Array },
  U16: { size: 2, array: Uint16Array },
  F16: { size: 2, array: null },
  BF16: { size: 2, array: null },
  I32: { size: 4, array: Int32Array },
  U32: { size: 4, array: Uint32Array },
  F32: { size: 4, array: Float32Array },
  F64: { size: 8, array: Float64Array },
  I64: { size: 8, array: null },
  U64: { size: 8, array: null },
} as const;
type Dtype = keyof typeof DTYPES;

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** One tensor of a validated header. */
interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated file: its metadata, its tensors, and the data section they index. */
interface ParsedFile {
  metadata: Record<string, string> | null;
  tensors: TensorInfo[];
  data: Uint8Array;
}

/**
 * The tensors of a safetensors file, by name, as `safetensors.torch.load_file` reads them, each
 * converted to float32 as torch's `.float()` converts it: F32 as is; F16 and BF16 exactly; F64
 * rounded to nearest; the integer dtypes I8, U8, I16, U16, I32, U32, I64 and U64 exactly up to
 * 2^24 in magnitude and rounded once to nearest beyond; BOOL as 0 or 1. So a PyTorch
 * `state_dict()` saved with `save_file` (BatchNorm's int64 `num_batches_tracked` included) loads
 * into {@link nn.Module.loadStateDict} of the same architecture unchanged. Names come in sorted
 * order, as `load_file`'s dict (a JavaScript object lists names that are integers, like `"10"`,
 * first). The metadata is read by {@link readSafetensorsMetadata}.
 *
 * The file is validated completely before any tensor is made, so a bad file throws and nothing is
 * half-read: the header's length within the file (and at most 100 MB), the header UTF-8 JSON
 * holding an object, each entry an object with a known dtype, a shape of non-negative integers
 * and two data offsets spanning exactly shape × dtype size bytes, the tensors together tiling the
 * data with no overlap or gap up to the end of the file. Stricter than the reference library: a
 * name or field given twice is refused, and a tensor may hold at most 2^30 values.
 *
 * @param bytes - The whole file, as a `Uint8Array` (a Node `Buffer` is one) or an `ArrayBuffer`.
 * @returns Name → a new float32 tensor of the stored shape.
 * @throws `TypeError` (message starting `loadSafetensors:`) when `bytes` is of another kind or a
 *   header value has the wrong JSON type (the header not an object, a dtype not a string, a shape
 *   entry not an integer, a metadata value not a string, a field missing); `RangeError` for
 *   everything about sizes and values: a truncated file, a header that is not UTF-8 or not JSON,
 *   an unknown dtype (such as F8 or complex), negative or mismatched sizes, offsets outside the
 *   data, overlaps, gaps, duplicates.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const state = wc.loadSafetensors(readFileSync('lenet.safetensors'));   // saved by PyTorch
 * net.loadStateDict(state);
 * ```
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const op = 'loadSafetensors';
  const file = parseFile(op, bytes);
  const tensors = [...file.tensors].sort((a, b) => compareCodePoints(a.name, b.name));
  return Object.fromEntries(tensors.map((t) => [t.name, new Tensor(decode(op, file.data, t), t.shape)]));
}

/**
 * The `__metadata__` of a safetensors file (string keys and values, e.g. `{ format: 'pt' }`), or
 * null when it has none, as `safe_open(...).metadata()` gives it. The whole header is validated
 * as {@link loadSafetensors} validates it (with the same errors, starting
 * `readSafetensorsMetadata:`); no tensor data is converted.
 *
 * @param bytes - The whole file, as a `Uint8Array` or an `ArrayBuffer`.
 */
export function readSafetensorsMetadata(bytes: Uint8Array | ArrayBuffer): Record<string, string> | null {
  return parseFile('readSafetensorsMetadata', bytes).metadata;
}

/**
 * A safetensors file of `tensors` (as F32) and optional string `metadata`, byte for byte what
 * `safetensors.torch.save_file(tensors, path, metadata)` writes for the same float32 tensors:
 * an 8-byte little-endian header length, the JSON header (`dtype`, `shape`, `data_offsets` per
 * tensor, `__metadata__` first) padded with spaces to a multiple of 8, then the data, tensors in
 * name order. PyTorch reads it with `safetensors.torch.load_file`, and wasmconv with
 * {@link loadSafetensors}. Pass a module's {@link nn.Module.stateDict} to save a model.
 *
 * @param tensors - Name → tensor (a plain object).
 * @param metadata - Key → string, stored as the header's `__metadata__` (e.g. `{ format: 'pt' }`,
 *   which Hugging Face's writers put there); none by default.
 * @returns The file's bytes, to write to disk or send.
 * @throws `TypeError` (message starting `saveSafetensors:`) when `tensors` is not a plain object
 *   of tensors or `metadata` not one of strings; `RangeError` for a tensor named `__metadata__`,
 *   or a name or string with a lone surrogate (which UTF-8 cannot encode).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('lenet.safetensors', wc.saveSafetensors(net.stateDict(), { format: 'pt' }));
 * ```
 */
export function saveSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const op = 'saveSafetensors';
  if (!isPlainRecord(tensors)) throw new TypeError(`${op}: tensors must be an object of name → Tensor, got ${describe(tensors)}`);
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(
        `${op}: tensors[${JSON.stringify(name)}] must be a Tensor, got ${describe(t)} (a module's tensors are model.stateDict())`,
      );
    }
    if (name === METADATA_KEY) throw new RangeError(`${op}: a tensor cannot be named ${METADATA_KEY}, the header's key for metadata`);
    checkWellFormed(op, 'tensor name', name);
  }
  if (metadata !== undefined) {
    if (!isPlainRecord(metadata)) throw new TypeError(`${op}: metadata must be an object of string → string, got ${describe(metadata)}`);
    for (const [key, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`${op}: metadata[${JSON.stringify(key)}] must be a string, got ${describe(v)}`);
      checkWellFormed(op, 'metadata key', key);
      checkWellFormed(op, `metadata[${JSON.stringify(key)}]`, v);
    }
  }
  entries.sort(([a], [b]) => compareCodePoints(a, b));

  // JSON.stringify escapes strings as serde_json does (", \, and control characters, \u00xx in lowercase)
  const fields: string[] = [];
  if (metadata !== undefined) {
    fields.push(
      `"${METADATA_KEY}":{${Object.entries(metadata)
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
        .join(',')}}`,
    );
  }
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + 4 * t.size;
    fields.push(`${JSON.stringify(name)}:{"dtype":"F32","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;

  const out = allocate(op, 8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // spaces
  let at = 8 + headerLength;
  for (const [, t] of entries) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    if (!LITTLE_ENDIAN_HOST) reverseEach(out.subarray(at, at + t.data.byteLength), 4);
    at += t.data.byteLength;
  }
  return out;
}

/** Splits a file into metadata, tensor entries and data, validating everything (see the top of the file). */
function parseFile(op: string, bytes: Uint8Array | ArrayBuffer): ParsedFile {
  const file = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(file instanceof Uint8Array)) throw new TypeError(`${op}: bytes must be a Uint8Array or an ArrayBuffer, got ${describe(bytes)}`);
  if (file.length < 8) throw new RangeError(`${op}: the file is ${file.length} bytes, too short to hold the 8-byte header length`);
  const n = new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES))
    throw new RangeError(`${op}: the header length ${n} is over the ${MAX_HEADER_BYTES} bytes safetensors allows`);
  const headerEnd = 8 + Number(n);
  if (headerEnd > file.length)
    throw new RangeError(`${op}: the header length ${n} runs past the end of the file (${file.length} bytes): a truncated file?`);

  let text: string;
  try {
    // ignoreBOM keeps a byte order mark in the text, where the JSON parser refuses it, as serde_json does
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file.slice(8, headerEnd));
  } catch {
    throw new RangeError(`${op}: the header is not valid UTF-8`);
  }
  const header = parseJson(text, `${op}: the header`);
  if (!(header instanceof JsonObject)) throw new TypeError(`${op}: the header must be a JSON object, got ${jsonKind(header)}`);

  const data = file.subarray(headerEnd);
  let metadata: Record<string, string> | null = null;
  const tensors: TensorInfo[] = [];
  for (const [name, v] of uniqueEntries(op, 'the header', header)) {
    if (name === METADATA_KEY) metadata = parseMetadata(op, v);
    else tensors.push(parseTensorInfo(op, name, v, data.length));
  }
  checkLayout(op, tensors, data.length);
  return { metadata, tensors, data };
}

function parseMetadata(op: string, v: Json): Record<string, string> {
  if (!(v instanceof JsonObject)) throw new TypeError(`${op}: ${METADATA_KEY} must be an object of string → string, got ${jsonKind(v)}`);
  const entries = uniqueEntries(op, METADATA_KEY, v);
  for (const [key, value] of entries) {
    if (typeof value !== 'string')
      throw new TypeError(`${op}: ${METADATA_KEY}[${JSON.stringify(key)}] must be a string, got ${jsonKind(value)}`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseTensorInfo(op: string, name: string, v: Json, dataLength: number): TensorInfo {
  const where = `${op}: tensor ${JSON.stringify(name)}`;
  if (!(v instanceof JsonObject)) throw new TypeError(`${where} must be an object {dtype, shape, data_offsets}, got ${jsonKind(v)}`);
  const fields = new Map(uniqueEntries(op, `tensor ${JSON.stringify(name)}`, v));
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!fields.has(field)) throw new TypeError(`${where} has no ${field}`);
  }
  const dtype = fields.get('dtype');
  if (typeof dtype !== 'string') throw new TypeError(`${where}: dtype must be a string, got ${jsonKind(dtype!)}`);
  if (!Object.hasOwn(DTYPES, dtype)) {
    throw new RangeError(`${where}: dtype ${JSON.stringify(dtype)} is not one wasmconv reads (${Object.keys(DTYPES).join(', ')})`);
  }
  const shape = integers(`${where}: shape`, fields.get('shape')!);
  const offsets = integers(`${where}: data_offsets`, fields.get('data_offsets')!);
  if (offsets.length !== 2) throw new RangeError(`${where}: data_offsets must be two integers [begin, end], got ${offsets.length}`);
  const [begin, end] = offsets;
  if (end < begin) throw new RangeError(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength)
    throw new RangeError(`${where}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes): a truncated file?`);

  let elements = 1;
  for (const d of shape) {
    elements *= d;
    // as Rust's checked_mul over usize, with float64's exact integers as the bound
    if (elements > Number.MAX_SAFE_INTEGER)
      throw new RangeError(`${where}: shape ${fmtShape(shape)} has more values than any file can hold`);
  }
  const { size } = DTYPES[dtype as Dtype];
  if (elements * size !== end - begin) {
    throw new RangeError(
      `${where}: dtype ${dtype} and shape ${fmtShape(shape)} need ${elements * size} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  if (elements > MAX_ELEMENTS) throw new RangeError(`${where} has ${elements} values, more than the 2^30 one tensor can hold`);
  return { name, dtype: dtype as Dtype, shape, begin, end };
}

/** The tensors sorted by offsets must tile the data: start at 0, no overlap, no gap, end at its end. */
function checkLayout(op: string, tensors: TensorInfo[], dataLength: number): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let last: TensorInfo | null = null;
  for (const t of sorted) {
    if (t.begin < covered) {
      throw new RangeError(
        `${op}: tensor ${JSON.stringify(t.name)} data_offsets [${t.begin}, ${t.end}] overlap tensor ${JSON.stringify(last!.name)}'s [${last!.begin}, ${last!.end}]`,
      );
    }
    if (t.begin > covered) throw new RangeError(`${op}: bytes [${covered}, ${t.begin}) of the data belong to no tensor`);
    covered = t.end;
    last = t;
  }
  if (covered !== dataLength) {
    throw new RangeError(
      `${op}: bytes [${covered}, ${dataLength}) at the end of the data belong to no tensor: the file is longer than its header says`,
    );
  }
}

/** An object's entries, refusing a key given twice (JSON allows it; a header must not). */
function uniqueEntries(op: string, where: string, o: JsonObject): [string, Json][] {
  const seen = new Set<string>();
  for (const [key] of o.entries) {
    if (seen.has(key)) throw new RangeError(`${op}: ${where} has the key ${JSON.stringify(key)} twice`);
    seen.add(key);
  }
  return o.entries;
}

/** An array of non-negative integers written as integers (as serde reads usize: no 1.0, no 1e3). */
function integers(where: string, v: Json): number[] {
  if (!Array.isArray(v)) throw new TypeError(`${where} must be an array of integers, got ${jsonKind(v)}`);
  return v.map((x, k) => {
    if (!(x instanceof JsonNumber) || !/^-?[0-9]+$/.test(x.text))
      throw new TypeError(`${where}[${k}] must be an integer, got ${jsonKind(x)} ${x instanceof JsonNumber ? x.text : ''}`.trimEnd());
    const n = x.value;
    if (n < 0) throw new RangeError(`${where}[${k}] must be >= 0, got ${x.text}`);
    if (n > Number.MAX_SAFE_INTEGER) throw new RangeError(`${where}[${k}] is ${x.text}, beyond any file this can read`);
    return n;
  });
}

function jsonKind(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof JsonObject) return 'an object';
  if (v instanceof JsonNumber) return 'a number';
  return `a ${typeof v}`;
}

/** The float32 values of one validated tensor. */
function decode(op: string, data: Uint8Array, t: TensorInfo): Float32Array {
  const { size, array } = DTYPES[t.dtype];
  const n = (t.end - t.begin) / size;
  // the bytes copied to offset 0 of their own buffer (aligned for every typed array), in the host's byte order
  const host = allocate(op, t.end - t.begin);
  host.set(data.subarray(t.begin, t.end));
  if (!LITTLE_ENDIAN_HOST) reverseEach(host, size);
  if (array === Float32Array) return new Float32Array(host.buffer);
  const out = new Float32Array(allocate(op, 4 * n).buffer);
  if (array !== null) {
    out.set(new (array as Float64ArrayConstructor)(host.buffer));
    return out;
  }
  const bits = new Uint32Array(out.buffer);
  if (t.dtype === 'BOOL') {
    for (let k = 0; k < n; k++) out[k] = host[k] === 0 ? 0 : 1;
  } else if (t.dtype === 'BF16') {
    const halves = new Uint16Array(host.buffer);
    for (let k = 0; k < n; k++) bits[k] = halves[k] << 16;
  } else if (t.dtype === 'F16') {
    const halves = new Uint16Array(host.buffer);
    for (let k = 0; k < n; k++) {
      const h = halves[k];
      const exp = (h >> 10) & 0x1f;
      const frac = h & 0x3ff;
      if (exp === 0 && frac !== 0)
        out[k] = (h & 0x8000 ? -frac : frac) * 2 ** -24; // subnormal: a normal float32, exactly
      else bits[k] = ((h & 0x8000) << 16) | ((exp === 0 ? 0 : exp === 31 ? 255 : exp + 112) << 23) | (frac << 13);
    }
  } else {
    const words = new Uint32Array(host.buffer);
    const [lo, hi] = LITTLE_ENDIAN_HOST ? [0, 1] : [1, 0];
    const signed = t.dtype === 'I64';
    const big = signed ? new BigInt64Array(host.buffer) : new BigUint64Array(host.buffer);
    for (let k = 0; k < n; k++) {
      const high = signed ? words[2 * k + hi] | 0 : words[2 * k + hi];
      // below 2^53 in magnitude high·2^32 + low is exact in float64, so storing it rounds once
      out[k] = Math.abs(high) < 2 ** 21 ? high * 2 ** 32 + words[2 * k + lo] : roundToFloat32(big[k]);
    }
  }
  return out;
}

/** Reverses the bytes of each `size`-byte value: little-endian ↔ the host's order on a big-endian host. */
function reverseEach(bytes: Uint8Array, size: number): void {
  for (let at = 0; at < bytes.length; at += size) bytes.subarray(at, at + size).reverse();
}

/** The float32 nearest to an integer (ties to even), rounded once from the exact value. */
function roundToFloat32(v: bigint): number {
  const negative = v < 0n;
  const a = negative ? -v : v;
  const shift = a.toString(2).length - 24; // the bits below float32's 24-bit significand
  if (shift <= 0) return Number(v);
  let q = a >> BigInt(shift);
  const rest = a - (q << BigInt(shift));
  const half = 1n << BigInt(shift - 1);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  const rounded = Number(q) * 2 ** shift; // q ≤ 2^24 times a power of two: exact
  return negative ? -rounded : rounded;
}

/** A zeroed byte array, or our RangeError when the engine cannot allocate it. */
function allocate(op: string, bytes: number): Uint8Array {
  try {
    return new Uint8Array(bytes);
  } catch {
    throw new RangeError(`${op}: could not allocate ${bytes} bytes`);
  }
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor) && !(v instanceof Map);
}

/** Names and metadata go into UTF-8 JSON: a lone surrogate (no Unicode character) cannot. */
function checkWellFormed(op: string, what: string, s: string): void {
  if (/\p{Cs}/u.test(s)) throw new RangeError(`${op}: ${what} ${JSON.stringify(s)} has a lone surrogate, which UTF-8 cannot encode`);
}

/** Code point order (Rust's byte order of UTF-8 strings): UTF-16 order but surrogates above U+E000–U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
