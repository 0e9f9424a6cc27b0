// Instantiates the embedded WebAssembly module once and hands out its exports. The kernels import
// nothing, so instantiation needs no import object.
import { WASM_BASE64 } from './module.generated.js';
import { Arena } from './arena.js';

/** The raw kernel exports of assembly/index.ts (pointers are byte offsets into `memory`). */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
  [kernel: string]: unknown;
}

export interface InitOptions {
  /** The module to use instead of the embedded copy: its bytes, a compiled module, or a URL. */
  wasm?: BufferSource | WebAssembly.Module | URL | string;
}

interface Runtime {
  exports: WasmExports;
  arena: Arena;
}

let runtime: Runtime | null = null;
let pending: Promise<void> | null = null;

/**
 * Instantiates the WebAssembly kernels. Idempotent: concurrent and repeated calls share one
 * instantiation; once it has succeeded, later calls resolve at once and ignore their options.
 */
export function init(opts: InitOptions = {}): Promise<void> {
  if (opts === null || typeof opts !== 'object') {
    return Promise.reject(new TypeError(`init: expected an options object, got ${describe(opts)}`));
  }
  pending ??= instantiate(opts.wasm).then(
    (instance) => {
      const exports = instance.exports as unknown as WasmExports;
      runtime = { exports, arena: new Arena(exports.memory, exports.heap_base()) };
    },
    (err: unknown) => {
      pending = null; // a failed attempt (bad bytes, unreachable URL) may be retried
      throw err;
    },
  );
  return pending;
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

async function instantiate(source: InitOptions['wasm']): Promise<WebAssembly.Instance> {
  if (source === undefined) return WebAssembly.instantiate(await WebAssembly.compile(decodeBase64(WASM_BASE64)));
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return WebAssembly.instantiate(await WebAssembly.compile(source));
  }
  if (typeof source === 'string' || source instanceof URL) {
    return WebAssembly.instantiate(await WebAssembly.compile(await readUrl(new URL(source, baseUrl()))));
  }
  throw new TypeError(`init: opts.wasm must be bytes, a WebAssembly.Module or a URL, got ${describe(source)}`);
}

function baseUrl(): string | undefined {
  return typeof location === 'undefined' ? undefined : location.href;
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

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
