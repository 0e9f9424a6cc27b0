// The strict JSON parser of safetensors headers (src/io/json.ts) against JSON.parse: the same
// values for any JSON text, refused exactly where JSON.parse refuses (besides what it adds: a
// nesting bound and escapes that leave lone surrogates), and what it keeps that JSON.parse loses:
// keys given twice, numbers' spelling.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Json, JsonNumber, JsonObject, parseJson } from '../../src/io/json.js';
import { FC_SEED, expectError } from '../helpers.js';

/** Our value as JSON.parse gives it (an object's last entry for a key wins, as there). */
function plain(v: Json): unknown {
  if (v instanceof JsonNumber) return v.value;
  if (v instanceof JsonObject) return Object.fromEntries(v.entries.map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('parseJson', () => {
  it('reads every JSON text as JSON.parse does, with any whitespace', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 1, '\t'), (value, space) => {
        const text = JSON.stringify(value, null, space);
        expect(plain(parseJson(text, 'test'))).toEqual(JSON.parse(text));
      }),
      { seed: FC_SEED, numRuns: 500 },
    );
  });

  it('refuses exactly what JSON.parse refuses, with a RangeError naming the text', () => {
    const nearJson = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'{}[]":,0123456789-+.eE \\/ntrufalsbu\t\n'.split('')), maxLength: 24 }),
      fc
        .tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.string({ maxLength: 2 }))
        .map(([t, at, s]) => t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1))),
    );
    fc.assert(
      fc.property(nearJson, (text) => {
        if (parses(text)) expect(plain(parseJson(text, 'test'))).toEqual(JSON.parse(text));
        else expectError(() => parseJson(text, 'the header'), RangeError, 'the header is not valid JSON');
      }),
      { seed: FC_SEED, numRuns: 3000 },
    );
  });

  it('keeps keys given twice and numbers as written', () => {
    const v = parseJson('{"a": 1, "a": 2.50, "b": [1e3, -0]}', 'test') as JsonObject;
    expect(v.entries.map(([k]) => k)).toEqual(['a', 'a', 'b']);
    expect((v.entries[1][1] as JsonNumber).text).toBe('2.50');
    expect((v.entries[2][1] as JsonNumber[]).map((n) => n.text)).toEqual(['1e3', '-0']);
  });

  it('decodes escapes, surrogate pairs included, and refuses lone surrogates and deep nesting', () => {
    expect(parseJson('"\\u0041\\n\\ud83d\\ude00\\/"', 'test')).toBe('A\n\u{1F600}/');
    expectError(() => parseJson('"\\ud83d"', 'the header'), RangeError, 'the header has a string');
    expectError(() => parseJson('"\\ude00x"', 'the header'), RangeError, 'the header has a string');
    expect(plain(parseJson(`${'['.repeat(64)}${']'.repeat(64)}`, 'test'))).toBeInstanceOf(Array);
    expectError(() => parseJson(`${'['.repeat(65)}${']'.repeat(65)}`, 'the header'), RangeError, 'the header nests');
    expectError(() => parseJson('[' + '{"a":'.repeat(70) + '1' + '}'.repeat(70) + ']', 'h'), RangeError, 'h nests');
  });
});
