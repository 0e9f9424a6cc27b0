// A strict JSON parser (RFC 8259) for file headers that must be validated, not trusted. Unlike
// JSON.parse it keeps what a validator needs to see: an object is its list of entries, so a key
// written twice is visible (JSON.parse keeps the last silently); a number keeps its text, so an
// integer written as 1.0 or 1e3 can be told apart; nesting is bounded, so a hostile header cannot
// overflow the stack; and escapes that decode to lone surrogates (which no UTF-8 string can hold)
// are refused. Every error is a RangeError starting with `what`.

export type Json = null | boolean | string | JsonNumber | JsonObject | Json[];

export class JsonNumber {
  constructor(readonly text: string) {}
  get value(): number {
    return Number(this.text);
  }
}

export class JsonObject {
  constructor(readonly entries: [string, Json][]) {}
}

/** How deep arrays and objects may nest (a safetensors header needs 3 levels). */
const MAX_DEPTH = 64;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// JSON strings may not hold the control characters U+0000–U+001F unescaped (RFC 8259 §7)
// eslint-disable-next-line no-control-regex
const PLAIN_CHARS = /[^"\\\u0000-\u001f]*/y;
const LONE_SURROGATE = /\p{Cs}/u;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses `text` as one JSON value (surrounding whitespace allowed); `what` starts every error message. */
export function parseJson(text: string, what: string): Json {
  let i = 0;

  const fail = (expected: string): never => {
    const got = i < text.length ? JSON.stringify(text[i]) : 'the end';
    throw new RangeError(`${what} is not valid JSON: expected ${expected} at character ${i}, got ${got}`);
  };
  const skipWhitespace = () => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  };
  const expect = (c: string) => {
    skipWhitespace();
    if (text[i] !== c) fail(JSON.stringify(c));
    i++;
  };

  function value(depth: number): Json {
    skipWhitespace();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth === MAX_DEPTH) throw new RangeError(`${what} nests arrays and objects deeper than ${MAX_DEPTH} levels`);
      return c === '{' ? object(depth + 1) : array(depth + 1);
    }
    if (c === '"') return string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail('a value');
    i += m[0].length;
    return new JsonNumber(m[0]);
  }

  function object(depth: number): JsonObject {
    i++; // {
    const entries: [string, Json][] = [];
    skipWhitespace();
    if (text[i] === '}') {
      i++;
      return new JsonObject(entries);
    }
    for (;;) {
      skipWhitespace();
      if (text[i] !== '"') fail('a key (a string)');
      const key = string();
      expect(':');
      entries.push([key, value(depth)]);
      skipWhitespace();
      if (text[i] === '}') {
        i++;
        return new JsonObject(entries);
      }
      if (text[i] !== ',') fail("',' or '}'");
      i++;
    }
  }

  function array(depth: number): Json[] {
    i++; // [
    const items: Json[] = [];
    skipWhitespace();
    if (text[i] === ']') {
      i++;
      return items;
    }
    for (;;) {
      items.push(value(depth));
      skipWhitespace();
      if (text[i] === ']') {
        i++;
        return items;
      }
      if (text[i] !== ',') fail("',' or ']'");
      i++;
    }
  }

  function string(): string {
    i++; // "
    let out = '';
    let escaped = false;
    for (;;) {
      PLAIN_CHARS.lastIndex = i;
      const run = PLAIN_CHARS.exec(text)![0];
      out += run;
      i += run.length;
      const c = text[i];
      if (c === '"') break;
      if (c !== '\\') fail(i < text.length ? 'an escaped control character' : "the closing '\"'");
      const e = text[i + 1];
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          i += 2;
          fail('four hex digits after \\u');
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e];
        i += 2;
      } else {
        i++;
        fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      }
      escaped = true;
    }
    i++; // "
    if (escaped && LONE_SURROGATE.test(out))
      throw new RangeError(`${what} has a string whose \\u escapes leave a lone surrogate, which no UTF-8 text can hold`);
    return out;
  }

  const v = value(0);
  skipWhitespace();
  if (i !== text.length) fail('the end of the text');
  return v;
}
