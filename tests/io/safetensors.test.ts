// saveSafetensors / loadSafetensors / readSafetensorsMetadata: round trips, the header exactly as
// the Rust library writes it (order, padding, escapes), every dtype's conversion from hand-made
// bytes, every malformed file refused with our error before anything is read, and a fuzz of
// random mutations of a valid file that must load or throw our RangeError/TypeError, nothing
// else. PyTorch's own files are read in tests/torch/io.test.ts. No kernels run: one backend.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as wc from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { FC_SEED, expectError, randomData } from '../helpers.js';

await wc.init(); // at collection: the it.each tables below make tensors

/** A file from a header (an object, or its exact text) and data bytes. */
function fileOf(header: object | string, data: ArrayLike<number> = []): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

/** The little-endian bytes of values written by a DataView setter. */
function bytesOf(values: (number | bigint)[], size: number, set: (v: DataView, at: number, x: never) => void): number[] {
  const v = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((x, k) => set(v, k * size, x as never));
  return Array.from(new Uint8Array(v.buffer));
}

const headerText = (file: Uint8Array) => {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(file.subarray(8, 8 + n));
};

const t = (values: number[], shape: number[]) => wc.tensor(values, shape);

describe('saveSafetensors and loadSafetensors', () => {
  it('round-trip tensors of every rank, empty and 0-d ones included, bit for bit (NaN, -0, subnormals), with metadata', () => {
    const special = new wc.Tensor(Float32Array.of(NaN, -0, Infinity, -Infinity, 1e-45, -3.4028234663852886e38), [6]);
    new Uint32Array(special.data.buffer)[0] = 0x7fc00123; // a NaN with a payload
    const tensors: Record<string, Tensor> = {
      'conv.weight': wc.tensor(randomData(6 * 1 * 5 * 5, 1), [6, 1, 5, 5]),
      'fc.weight': wc.tensor(randomData(120 * 400, 2), [120, 400]),
      scalar: wc.tensor(2.5),
      empty: wc.zeros([0, 3]),
      special,
      odd: wc.tensor(randomData(7, 3), [7]),
    };
    const metadata = { format: 'pt', epoch: '12' };
    const bytes = wc.saveSafetensors(tensors, metadata);
    const back = wc.loadSafetensors(bytes);
    expect(Object.keys(back)).toEqual(Object.keys(tensors).sort());
    for (const [name, x] of Object.entries(tensors)) {
      expect(back[name].shape, name).toEqual(x.shape);
      expect(Buffer.from(back[name].data.slice().buffer).equals(Buffer.from(x.data.slice().buffer)), `${name}: the same bits`).toBe(true);
    }
    expect(wc.readSafetensorsMetadata(bytes)).toEqual(metadata);
    expect(wc.readSafetensorsMetadata(wc.saveSafetensors(tensors))).toBeNull();
    expect(wc.loadSafetensors(wc.saveSafetensors({}))).toEqual({});
  });

  it('writes the header as the Rust library does: compact JSON, padded with spaces to a multiple of 8', () => {
    const six = t([0, 1, 2, 3, 4, 5], [1, 2, 3]);
    const a = wc.saveSafetensors({ 'attn.0': six });
    expect(headerText(a)).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'); // 64 bytes, no padding
    expect(Array.from(new Float32Array(a.slice(8 + 64).buffer))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(headerText(wc.saveSafetensors({ attn0: six.reshape(1, 1, 2, 3) }))).toBe(
      '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ',
    );
    expect(headerText(wc.saveSafetensors({}))).toBe('{}      ');
    expect(headerText(wc.saveSafetensors({}, { framework: 'pt' }))).toBe('{"__metadata__":{"framework":"pt"}}     ');
    for (let len = 1; len < 20; len++) {
      const bytes = wc.saveSafetensors({ ['x'.repeat(len)]: wc.ones([3]) });
      expect((bytes.length - 12) % 8, `name of ${len} characters: the data starts 8-byte aligned`).toBe(0);
    }
  });

  it('lays tensors out sorted by name in code point order (UTF-8 byte order), and escapes names as serde_json does', () => {
    const names = ['b', 'a', 'B', '10', '2', 'é', '\u{1F600}', '\uFFFD', 'q"uote', 'back\\slash', 'new\nline', 'ctl\u0001'];
    const tensors = Object.fromEntries(names.map((n, i) => [n, wc.full([1], i)]));
    const bytes = wc.saveSafetensors(tensors);
    const header = headerText(bytes);
    const order = ['10', '2', 'B', 'a', 'b', 'back\\slash', 'ctl\u0001', 'new\nline', 'q"uote', 'é', '\uFFFD', '\u{1F600}'];
    const positions = order.map((n) => header.indexOf(`${JSON.stringify(n)}:`));
    expect(
      positions.every((p, k) => p > 0 && (k === 0 || p > positions[k - 1])),
      header,
    ).toBe(true);
    expect(header).toContain('"ctl\\u0001":');
    expect(header).toContain('"new\\nline":');
    const back = wc.loadSafetensors(bytes);
    expect(Object.keys(back).sort()).toEqual([...order].sort());
    for (const [n, x] of Object.entries(tensors)) expect(back[n].item()).toBe(x.item());
  });

  it('saves a tensor whose data is a view into a larger array (a dataset row)', () => {
    const ds = new wc.data.TensorDataset(wc.arange(12).reshape(3, 4));
    const back = wc.loadSafetensors(wc.saveSafetensors({ row: ds.at(1)[0] }));
    expect(Array.from(back.row.data)).toEqual([4, 5, 6, 7]);
  });
});

describe('loadSafetensors dtypes, from hand-made bytes', () => {
  const load1 = (dtype: string, shape: number[], data: number[]) =>
    wc.loadSafetensors(fileOf({ x: { dtype, shape, data_offsets: [0, data.length] } }, data)).x;
  const bits = (x: Tensor) => Array.from(new Uint32Array(x.data.slice().buffer));

  it('F16: every class of value exactly, NaN payloads and signs kept', () => {
    const halves = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x8001, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x8000, 0x0000, 0x7e01, 0xfd00];
    const x = load1(
      'F16',
      [halves.length],
      bytesOf(halves, 2, (v, at, h) => v.setUint16(at, h, true)),
    );
    expect(Array.from(x.data.slice(0, 11))).toEqual([
      1,
      -2,
      2 ** -24,
      1023 * 2 ** -24,
      -(2 ** -24),
      2 ** -14,
      65504,
      Infinity,
      -Infinity,
      -0,
      0,
    ]);
    expect(bits(x).slice(11)).toEqual([0x7fc02000, 0xffa00000]);
  });

  it('BF16: the top half of a float32, exactly', () => {
    const x = load1(
      'BF16',
      [4],
      bytesOf([0x3f80, 0xc2f7, 0x0001, 0x7fc1], 2, (v, at, h) => v.setUint16(at, h, true)),
    );
    expect(bits(x)).toEqual([0x3f800000, 0xc2f70000, 0x00010000, 0x7fc10000]);
  });

  it('F64: rounded to the nearest float32, ties to even, overflowing to infinity', () => {
    const values = [0.1, 1 + 2 ** -24, 1 + 3 * 2 ** -24, 1e-40, 1e-50, 1e39, -1e39, -0, 2 ** 24 + 1];
    const x = load1(
      'F64',
      [values.length],
      bytesOf(values, 8, (v, at, d) => v.setFloat64(at, d, true)),
    );
    expect(Array.from(x.data)).toEqual([Math.fround(0.1), 1, 1 + 2 ** -22, Math.fround(1e-40), 0, Infinity, -Infinity, -0, 2 ** 24]);
  });

  it('integers: exact to 2^24, then rounded once to the nearest float32 (I64 and U64 not through float64)', () => {
    const trap = 2n ** 60n + 2n ** 36n + 1n; // just above halfway: rounds up, where float64 would first round it to halfway
    const i64 = load1(
      'I64',
      [6],
      bytesOf([0n, -1n, 2n ** 24n + 1n, trap, -trap, -(2n ** 63n)], 8, (v, at, b) => v.setBigInt64(at, b, true)),
    );
    expect(Array.from(i64.data)).toEqual([0, -1, 2 ** 24, 2 ** 60 + 2 ** 37, -(2 ** 60 + 2 ** 37), -(2 ** 63)]);
    const u64 = load1(
      'U64',
      [3],
      bytesOf([2n ** 64n - 1n, trap, 2n ** 53n + 1n], 8, (v, at, b) => v.setBigUint64(at, b, true)),
    );
    expect(Array.from(u64.data)).toEqual([2 ** 64, 2 ** 60 + 2 ** 37, 2 ** 53]);
    const i32 = load1(
      'I32',
      [3],
      bytesOf([-(2 ** 31), 2 ** 24 + 3, 2 ** 31 - 1], 4, (v, at, n) => v.setInt32(at, n, true)),
    );
    expect(Array.from(i32.data)).toEqual([-(2 ** 31), 2 ** 24 + 4, 2 ** 31]);
    const u32 = load1(
      'U32',
      [1],
      bytesOf([2 ** 32 - 1], 4, (v, at, n) => v.setUint32(at, n, true)),
    );
    expect(Array.from(u32.data)).toEqual([2 ** 32]);
    expect(
      Array.from(
        load1(
          'I16',
          [2],
          bytesOf([-32768, 32767], 2, (v, at, n) => v.setInt16(at, n, true)),
        ).data,
      ),
    ).toEqual([-32768, 32767]);
    expect(
      Array.from(
        load1(
          'U16',
          [1],
          bytesOf([65535], 2, (v, at, n) => v.setUint16(at, n, true)),
        ).data,
      ),
    ).toEqual([65535]);
    expect(Array.from(load1('I8', [3], [0x80, 0xff, 0x7f]).data)).toEqual([-128, -1, 127]);
    expect(Array.from(load1('U8', [3], [0, 128, 255]).data)).toEqual([0, 128, 255]);
    expect(Array.from(load1('BOOL', [4], [0, 1, 2, 255]).data)).toEqual([0, 1, 1, 1]);
  });

  it('reads data that is not aligned (a header length not a multiple of 8), in files of any layout order', () => {
    const f32 = bytesOf([1.5, -2], 4, (v, at, x) => v.setFloat32(at, x, true));
    const f64 = bytesOf([0.25], 8, (v, at, x) => v.setFloat64(at, x, true));
    // b's data first although a comes first in the header: the header's order does not matter
    const file = fileOf({ a: { dtype: 'F64', shape: [], data_offsets: [8, 16] }, b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, [
      ...f32,
      ...f64,
    ]);
    const back = wc.loadSafetensors(file);
    expect(Array.from(back.a.data)).toEqual([0.25]);
    expect(back.a.shape).toEqual([]);
    expect(Array.from(back.b.data)).toEqual([1.5, -2]);
  });
});

describe('malformed files are refused before anything is read', () => {
  const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
  const eight = new Array(8).fill(0);

  function refused(bytes: unknown, kind: typeof RangeError | typeof TypeError): void {
    expectError(() => wc.loadSafetensors(bytes as Uint8Array), kind, 'loadSafetensors:');
    expectError(() => wc.readSafetensorsMetadata(bytes as Uint8Array), kind, 'readSafetensorsMetadata:');
  }

  it('refuses what is not bytes', () => {
    for (const bad of ['file', 8, null, undefined, [1, 2, 3], new Float32Array(4), new DataView(new ArrayBuffer(8))])
      refused(bad, TypeError);
  });

  it.each([
    ['an empty file', new Uint8Array(0)],
    ['7 bytes', new Uint8Array(7)],
    [
      'a header length over 100 MB',
      (() => {
        const f = fileOf('{}');
        new DataView(f.buffer).setBigUint64(0, 100_000_001n, true);
        return f;
      })(),
    ],
    [
      'a header length of 2^64 − 1',
      (() => {
        const f = fileOf('{}');
        new DataView(f.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
        return f;
      })(),
    ],
    ['a header length past the end of the file', fileOf('{}').subarray(0, 9)],
    ['a file truncated inside the data', fileOf({ a: f32([2], 0, 8) }, eight).slice(0, -4)],
    ['a header that is not UTF-8', fileOf('{"ab":1}').map((b, i) => (i === 10 ? 0xff : b))],
    ['a byte order mark before the JSON', fileOf('\ufeff{}')],
    ['a header cut off', fileOf('{"a":')],
    ['a trailing comma', fileOf('{"a":1,}')],
    ['text after the JSON', fileOf('{} x')],
    ['NUL padding instead of spaces', fileOf('{}\u0000\u0000')],
    ['a raw control character in a name', fileOf('{"a\u0001":1}')],
    ['a bad escape', fileOf('{"a\\x":1}')],
    ['an escape that leaves a lone surrogate', fileOf('{"\\ud800":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}')],
    ['arrays nested 100 deep', fileOf(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`)],
    ['an unknown dtype', fileOf({ a: { dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] } }, eight)],
    ["torch's dtype name", fileOf({ a: { dtype: 'float32', shape: [2], data_offsets: [0, 8] } }, eight)],
    ['a negative shape entry', fileOf({ a: f32([-2], 0, 8) }, eight)],
    ['data_offsets of one number', fileOf({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, eight)],
    ['data_offsets of three numbers', fileOf({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8, 8] } }, eight)],
    ['a shape whose size overflows', fileOf({ a: f32([2 ** 40, 2 ** 40], 0, 8) }, eight)],
    ['a size that does not match the offsets', fileOf({ a: f32([3], 0, 8) }, eight)],
    ['offsets outside the data', fileOf({ a: f32([25], 0, 100) }, eight)],
    ['offsets that end before they begin', fileOf({ a: f32([0], 8, 4) }, eight)],
    ['overlapping offsets', fileOf({ a: f32([2], 0, 8), b: f32([1], 4, 8) }, eight)],
    ['offsets that do not start at 0', fileOf({ a: f32([1], 4, 8) }, eight)],
    ['a gap between tensors', fileOf({ a: f32([1], 0, 4), b: f32([0], 8, 8) }, eight)],
    ['data not fully covered', fileOf({ a: f32([1], 0, 4) }, eight)],
    [
      'a name given twice',
      fileOf('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', eight),
    ],
    ['__metadata__ given twice', fileOf('{"__metadata__":{},"__metadata__":{}}')],
    ['a metadata key given twice', fileOf('{"__metadata__":{"k":"1","k":"2"}}')],
    ['a field given twice', fileOf('{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}', eight)],
  ] as const)('refuses %s (RangeError)', (_, bytes) => refused(bytes, RangeError));

  it.each([
    ['a header that is an array', fileOf('[]')],
    ['a header that is a number', fileOf('3')],
    ['a header that is null', fileOf('null')],
    ['an entry that is not an object', fileOf({ a: 3 })],
    ['an entry without dtype', fileOf({ a: { shape: [2], data_offsets: [0, 8] } }, eight)],
    ['an entry without shape', fileOf({ a: { dtype: 'F32', data_offsets: [0, 8] } }, eight)],
    ['an entry without data_offsets', fileOf({ a: { dtype: 'F32', shape: [2] } }, eight)],
    ['a dtype that is not a string', fileOf({ a: { dtype: 4, shape: [2], data_offsets: [0, 8] } }, eight)],
    ['a shape that is not an array', fileOf({ a: { dtype: 'F32', shape: 2, data_offsets: [0, 8] } }, eight)],
    ['a shape entry written as a float', fileOf('{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}', eight)],
    ['a shape entry written with an exponent', fileOf('{"a":{"dtype":"F32","shape":[2e0],"data_offsets":[0,8]}}', eight)],
    ['a shape entry that is a string', fileOf({ a: { dtype: 'F32', shape: ['2'], data_offsets: [0, 8] } }, eight)],
    ['data_offsets that are a string', fileOf({ a: { dtype: 'F32', shape: [2], data_offsets: '0,8' } }, eight)],
    ['__metadata__ that is not an object', fileOf({ __metadata__: ['pt'] })],
    ['a metadata value that is not a string', fileOf({ __metadata__: { epoch: 3 } })],
  ] as const)('refuses %s (TypeError)', (_, bytes) => refused(bytes, TypeError));

  it('leaves nothing half-read: the error comes before any tensor, whichever entry is bad', () => {
    // a valid tensor first, then a bad one: no result at all, just the error
    const file = fileOf({ a: f32([1], 0, 4), b: { dtype: 'X', shape: [1], data_offsets: [4, 8] } }, eight);
    expectError(() => wc.loadSafetensors(file), RangeError, 'loadSafetensors:');
  });

  it('fuzz: random mutations of a valid file load or throw our RangeError/TypeError, nothing else', () => {
    const tensors = {
      'conv.weight': wc.tensor(randomData(54, 4), [6, 1, 3, 3]),
      'conv.bias': wc.tensor(randomData(6, 5)),
      n: wc.tensor(3),
    };
    const valid = wc.saveSafetensors(tensors, { format: 'pt' });
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), bytes: fc.constant(new Uint8Array()) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    );
    let loaded = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let file = valid.slice();
        for (const m of mutations) {
          const at = m.at % (file.length + 1);
          if (m.kind === 'truncate') file = file.slice(0, at);
          else if (m.kind === 'insert') file = Uint8Array.from([...file.subarray(0, at), ...m.bytes, ...file.subarray(at)]);
          else m.bytes.forEach((b, k) => at + k < file.length && (file[at + k] = b));
        }
        try {
          const out = wc.loadSafetensors(file);
          for (const x of Object.values(out)) expect(x).toBeInstanceOf(wc.Tensor);
          loaded++;
        } catch (e) {
          if (!(e instanceof RangeError || e instanceof TypeError) || !e.message.startsWith('loadSafetensors:')) throw e;
        }
      }),
      { seed: FC_SEED, numRuns: 2000 },
    );
    expect(loaded, 'mutations that leave a loadable file (data bytes only)').toBeGreaterThan(0);
  });
});

describe('saveSafetensors misuse', () => {
  it.each([
    ['null', null, TypeError],
    ['an array', [wc.ones([1])], TypeError],
    ['a Tensor', wc.ones([1]), TypeError],
    ['a Map', new Map([['a', wc.ones([1])]]), TypeError],
    ['a value that is not a Tensor', { a: [1, 2] }, TypeError],
    ['a tensor named __metadata__', { __metadata__: wc.ones([1]) }, RangeError],
    ['a name with a lone surrogate', { ['a\ud800']: wc.ones([1]) }, RangeError],
  ] as const)('refuses tensors that are %s', (_, tensors, kind) => {
    expectError(() => wc.saveSafetensors(tensors as unknown as Record<string, Tensor>), kind, 'saveSafetensors:');
  });
  it.each([
    ['a string', 'pt', TypeError],
    ['null', null, TypeError],
    ['a value that is a number', { epoch: 3 }, TypeError],
    ['a value that is null', { note: null }, TypeError],
    ['a value with a lone surrogate', { note: '\udc00' }, RangeError],
  ] as const)('refuses metadata that is %s', (_, metadata, kind) => {
    expectError(() => wc.saveSafetensors({ a: wc.ones([1]) }, metadata as unknown as Record<string, string>), kind, 'saveSafetensors:');
  });
});
