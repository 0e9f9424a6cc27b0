// ONNX Runtime Web beside wasmconv in the benchmarks: its WebAssembly execution provider (the
// CPU kernels of ONNX Runtime, MLAS, compiled with SIMD), on one thread, without the proxy
// worker, as a browser application on a page without cross-origin isolation runs it. Each case
// is a small ONNX model written here (a protobuf writer for the few messages a graph needs), so
// no converter and no model file are involved. A session is created in the case's setup (not
// timed); a timed call is session.run(feeds) and reading the output's data: ORT copies the feeds
// into its wasm memory and the output out of it within run, so a call's result is complete when
// the promise resolves, as ours is when conv2d returns.
// ONNX Runtime Web runs inference only (no gradients, no optimizer): it is timed on the conv2d
// forward and the LeNet inference, and its training cells say n/a.
// It is timed in a child process of its own (bench/harness.ts ChildSpec): its WebAssembly
// instance in the same process slowed wasmconv's calls.
import * as ort from 'onnxruntime-web';
import { type Runner, Skip, type Timed } from './harness.js';
import type { ConvSpec } from './conv-cases.js';
import type { CaseData } from './peers.js';

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;

export const ORT_WASM = 'ort-wasm';
/** ORT's settings are global and set above: nothing to switch between cases. */
export const ortRunner: Runner = { name: ORT_WASM, activate: () => undefined };
/** What the tables say of the ORT columns. */
export const ORT_LABEL = `ORT: ONNX Runtime Web ${ort.env.versions.web}, wasm, SIMD, one thread`;
export const ORT_INFERENCE_ONLY = new Skip('ONNX Runtime Web runs inference only: it has no gradients, so no training step');

// ---- A protobuf writer with the two wire types an ONNX graph needs: varints (0) and
// length-delimited bytes (2: strings, raw tensor data, sub-messages). A message is the
// concatenation of its fields, in any order.

type Bytes = Uint8Array;

function varint(v: number): number[] {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`onnx: a varint is a whole number ≥ 0, got ${v}`);
  const out: number[] = [];
  for (; v >= 0x80; v = Math.floor(v / 0x80)) out.push((v % 0x80) | 0x80);
  out.push(v);
  return out;
}

function concat(parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Field number `field` holding a varint. */
const int = (field: number, v: number): Bytes => Uint8Array.from([...varint(field << 3), ...varint(v)]);
/** Field number `field` holding bytes: a string, raw data or a sub-message. */
const bytes = (field: number, data: Bytes): Bytes => concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(data.length)]), data]);
const text = (field: number, s: string): Bytes => bytes(field, new TextEncoder().encode(s));

// ---- ONNX's messages (onnx/onnx.proto; field numbers in the comments' order).

const IR_VERSION = 8;
const OPSET = 17;
/** TensorProto.DataType FLOAT; AttributeProto.AttributeType INT and INTS. */
const FLOAT = 1;
const INT = 2;
const INTS = 7;

/** A float tensor's name and shape; with data, an initializer (a constant of the graph). */
export interface Value {
  name: string;
  dims: readonly number[];
  data?: Float32Array;
}

/** AttributeProto: name 1, type 20, i 3, ints 8. */
function attribute(name: string, value: number | readonly number[]): Bytes {
  return typeof value === 'number'
    ? concat([text(1, name), int(20, INT), int(3, value)])
    : concat([text(1, name), int(20, INTS), ...value.map((v) => int(8, v))]);
}

/** NodeProto: input 1, output 2, op_type 4, attribute 5. */
export function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, number | readonly number[]> = {}): Bytes {
  return concat([
    ...inputs.map((n) => text(1, n)),
    ...outputs.map((n) => text(2, n)),
    text(4, op),
    ...Object.entries(attrs).map(([k, v]) => bytes(5, attribute(k, v))),
  ]);
}

/** ValueInfoProto (name 1, type 2) → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1. */
function valueInfo(v: Value): Bytes {
  const shape = concat(v.dims.map((d) => bytes(1, int(1, d))));
  return concat([text(1, v.name), bytes(2, bytes(1, concat([int(1, FLOAT), bytes(2, shape)])))]);
}

/** TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian, as every host of this bench is). */
function tensor(v: Value): Bytes {
  const raw = new Uint8Array(v.data!.buffer, v.data!.byteOffset, v.data!.byteLength);
  return concat([...v.dims.map((d) => int(1, d)), int(2, FLOAT), text(8, v.name), bytes(9, raw)]);
}

/**
 * ModelProto (ir_version 1, opset_import 8 → version 2 of the default domain, graph 7) of a
 * GraphProto: node 1, name 2, initializer 5, input 11, output 12.
 */
export function onnxModel(g: { name: string; nodes: Bytes[]; inputs: Value[]; outputs: Value[]; initializers?: Value[] }): Bytes {
  const graph = concat([
    ...g.nodes.map((n) => bytes(1, n)),
    text(2, g.name),
    ...(g.initializers ?? []).map((t) => bytes(5, tensor(t))),
    ...g.inputs.map((v) => bytes(11, valueInfo(v))),
    ...g.outputs.map((v) => bytes(12, valueInfo(v))),
  ]);
  return concat([int(1, IR_VERSION), bytes(8, int(2, OPSET)), bytes(7, graph)]);
}

// ---- Sessions and timed calls.

/** The session of the case being timed, released when the next case is set up (as peers.ts disposes TF.js's tensors). */
let live: ort.InferenceSession | null = null;

/** A timed session.run of `model` on `inputs` (each a Value with data), its result the output named `output`. */
export async function ortTimed(model: Bytes, inputs: Value[], output: string): Promise<Timed> {
  await live?.release();
  const session = (live = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] }));
  const feeds = Object.fromEntries(inputs.map((v) => [v.name, new ort.Tensor('float32', v.data!, v.dims)]));
  let y: Float32Array = new Float32Array(0);
  return {
    async run() {
      y = (await session.run(feeds))[output].data as Float32Array;
    },
    result: () => [y],
  };
}

/**
 * y = conv2d(x, w) as one Conv node, on the case's operands (NCHW and [O, C/groups, kh, kw] are
 * ONNX's layouts too). The weight is a graph input fed with every call, as x is, not an
 * initializer: wasmconv's conv2d and TF.js take it as an operand of each call, and a constant
 * would let ORT pack it once at session creation (1.30 measured the same either way on cases c,
 * d and e, in a separate run). No bias, as the other runners' forward.
 */
export function ortForward(s: ConvSpec, d: CaseData, outShape: readonly number[]): Promise<Timed> {
  const x = { name: 'X', dims: [s.n, s.c, s.h, s.w], data: d.x };
  const w = { name: 'W', dims: [s.o, s.c / s.groups, s.kh, s.kw], data: d.w };
  const conv = node('Conv', ['X', 'W'], ['Y'], {
    dilations: [s.dilation, s.dilation],
    group: s.groups,
    kernel_shape: [s.kh, s.kw],
    pads: [s.pad, s.pad, s.pad, s.pad],
    strides: [s.stride, s.stride],
  });
  return ortTimed(onnxModel({ name: 'conv2d', nodes: [conv], inputs: [x, w], outputs: [{ name: 'Y', dims: outShape }] }), [x, w], 'Y');
}
