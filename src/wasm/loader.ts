// Instantiates the embedded WebAssembly module once and hands out its exports. The kernels import
// nothing, so instantiation needs no import object. Two builds are embedded (see
// scripts/embed-wasm.mjs); by default the relaxed-SIMD one runs wherever the engine validates it.
import { WASM_RELAXED_SIMD_BASE64, WASM_SIMD_BASE64 } from './module.generated.js';
import { Arena } from './arena.js';
import { checkOptionKeys, describe } from '../shape.js';

/** The raw kernel exports of assembly/index.ts (pointers are byte offsets into `memory`). */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
  [kernel: string]: unknown;
}

/** Which embedded build runs: plain f32x4 SIMD, or with relaxed SIMD (fused multiply-add). */
export type WasmBuild = 'simd' | 'relaxed-simd';

export interface InitOptions {
  /** The module to use instead of the embedded copy: its bytes, a compiled module, or a URL. */
  wasm?: BufferSource | WebAssembly.Module | URL | string;
  /** Which embedded build to run; 'auto' (the default) picks relaxed-simd where supported. */
  build?: 'auto' | WasmBuild;
}

interface Runtime {
  exports: WasmExports;
  arena: Arena;
  build: WasmBuild | 'custom';
}

let runtime: Runtime | null = null;
let pending: Promise<void> | null = null;

/**
 * Instantiates the WebAssembly kernels. Idempotent: concurrent and repeated calls share one
 * instantiation; once it has succeeded, later calls resolve at once and ignore their (valid) options.
 */
export function init(opts: InitOptions = {}): Promise<void> {
  if (opts === null || typeof opts !== 'object') {
    return Promise.reject(new TypeError(`init: expected an options object, got ${describe(opts)}`));
  }
  let build: WasmBuild | 'custom';
  let load: () => Promise<WebAssembly.Instance>;
  try {
    // checked before joining a pending instantiation, so one caller's bad options never fail another's init()
    checkOptionKeys('init', opts, ['wasm', 'build']);
    build = opts.wasm === undefined ? chooseBuild(opts.build) : 'custom';
    load = loaderOf(opts.wasm, build);
  } catch (err) {
    return Promise.reject(err);
  }
  pending ??= (async () => {
    const exports = (await load()).exports as unknown as WasmExports;
    if (!(exports.memory instanceof WebAssembly.Memory) || typeof exports.heap_base !== 'function') {
      throw new TypeError('init: opts.wasm is not a wasmconv build (it exports no `memory` and `heap_base`)');
    }
    runtime = { exports, arena: new Arena(exports.memory, exports.heap_base()), build };
  })().catch((err: unknown) => {
    pending = null; // a failed attempt (bad bytes, unreachable URL) may be retried
    throw err;
  });
  return pending;
}

/** The build `init()` loaded ('custom' for opts.wasm), or null before init. */
export function wasmBuild(): WasmBuild | 'custom' | null {
  return runtime?.build ?? null;
}

/** True when this engine runs relaxed SIMD (checked by validating a one-instruction module). */
export function relaxedSimdSupported(): boolean {
  // (module (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd))
  const v128zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
    0x03, 0x02, 0x01, 0x00, // function section
    0x0a, 0x3d, 0x01, 0x3b, 0x00, ...v128zero, ...v128zero, ...v128zero, 0xfd, 0x85, 0x02, 0x0b, // code
  ]);
  return WebAssembly.validate(bytes);
}

function chooseBuild(build: InitOptions['build'] = 'auto'): WasmBuild {
  if (build === 'auto') return relaxedSimdSupported() ? 'relaxed-simd' : 'simd';
  if (build === 'simd') return 'simd';
  if (build === 'relaxed-simd') {
    if (!relaxedSimdSupported()) {
      throw new RangeError('init: build "relaxed-simd" was asked for but this engine does not support relaxed SIMD');
    }
    return 'relaxed-simd';
  }
  throw new TypeError(`init: opts.build must be 'auto', 'simd' or 'relaxed-simd', got ${describe(build)}`);
}

/** Bytes of WebAssembly memory the instance holds now, 0 before init (internal: for the memory tests). */
export function memoryBytes(): number {
  return runtime?.arena.memoryBytes ?? 0;
}

/** True once `init()` has resolved. */
export function isInitialized(): boolean {
  return runtime !== null;
}

/** The live runtime; `op` names the caller in the error thrown before `init()`. */
export function wasmRuntime(op: string): Runtime {
  if (runtime === null) throw notInitialized(op);
  return runtime;
}

export function notInitialized(op: string): Error {
  return new Error(`${op}: wasmconv is not initialised; call \`await init()\` once before using any op`);
}

/** How to instantiate `source`, decided (and a source of the wrong kind refused) without loading anything yet. */
function loaderOf(source: InitOptions['wasm'], build: WasmBuild | 'custom'): () => Promise<WebAssembly.Instance> {
  if (source === undefined) {
    const b64 = build === 'relaxed-simd' ? WASM_RELAXED_SIMD_BASE64 : WASM_SIMD_BASE64;
    return async () => WebAssembly.instantiate(await WebAssembly.compile(decodeBase64(b64)));
  }
  if (source instanceof WebAssembly.Module) return () => WebAssembly.instantiate(source);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return async () => WebAssembly.instantiate(await WebAssembly.compile(source));
  }
  if (typeof source === 'string' || source instanceof URL) {
    const url = toUrl(source);
    return async () => WebAssembly.instantiate(await WebAssembly.compile(await readUrl(url)));
  }
  throw new TypeError(`init: opts.wasm must be bytes, a WebAssembly.Module or a URL, got ${describe(source)}`);
}

/** A string is resolved against the page in a browser; outside one it must be an absolute URL. */
function toUrl(source: string | URL): URL {
  if (source instanceof URL) return source;
  try {
    return new URL(source, typeof location === 'undefined' ? undefined : location.href);
  } catch {
    throw new TypeError(`init: opts.wasm ${JSON.stringify(source)} is not an absolute URL (in Node use a file: URL)`);
  }
}

interface NodeFs {
  readFileSync(path: URL): Uint8Array<ArrayBuffer>;
}

async function readUrl(url: URL): Promise<BufferSource> {
  if (url.protocol === 'file:') {
    // Node's fetch has no file: support; getBuiltinModule keeps `node:fs` out of browser bundles.
    const fs = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process?.getBuiltinModule?.(
      'node:fs',
    ) as NodeFs | undefined;
    if (!fs) throw new TypeError(`init: cannot read ${url.href} in this environment`);
    return fs.readFileSync(url);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`init: fetching ${url.href} failed with HTTP ${res.status}`);
  return res.arrayBuffer();
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}
