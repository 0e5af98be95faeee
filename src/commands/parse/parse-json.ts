/** A small JSON parser with positioned errors, a depth limit and an end offset (so trailing flags can follow). */

/** Any value JSON can hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A value and the offset just after it, or a positioned error. */
export type JsonParseResult = { ok: true; value: JsonValue; end: number } | { ok: false; error: string };

/** Nesting deeper than this is refused (objects and arrays count one level each). */
export const DEFAULT_MAX_DEPTH = 20;

class JsonSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly expected: string,
    readonly tooDeep = false,
  ) {
    super(expected);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw U+0000–U+001F inside strings.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERALS: ReadonlyArray<readonly [string, JsonValue]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly maxDepth: number,
  ) {}

  skipSpace(): void {
    while (/[ \t\n\r]/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  fail(expected: string): never {
    throw new JsonSyntaxError(this.pos, expected);
  }

  expect(char: string, what: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== char) this.fail(what);
    this.pos++;
  }

  value(depth: number): JsonValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      if (depth >= this.maxDepth) throw new JsonSyntaxError(this.pos, '', true);
      return c === '{' ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === '"') return this.string();
    for (const [word, literal] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return literal;
      }
    }
    return this.number();
  }

  string(): string {
    STRING.lastIndex = this.pos;
    const match = STRING.exec(this.text);
    if (!match) this.fail('a complete string (close it with " and escape control characters)');
    this.pos += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  number(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match || match[0] === '-') this.fail('a value');
    this.pos += match[0].length;
    return Number(match[0]);
  }

  object(depth: number): JsonValue {
    this.pos++;
    const entries: [string, JsonValue][] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') return this.close(entries);
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('a "quoted" property name');
      const key = this.string();
      this.expect(':', "':'");
      entries.push([key, this.value(depth)]);
      this.skipSpace();
      if (this.text[this.pos] === '}') return this.close(entries);
      this.expect(',', "',' or '}'");
    }
  }

  close(entries: [string, JsonValue][]): JsonValue {
    this.pos++;
    // fromEntries defines own properties, so a "__proto__" key cannot change the prototype.
    return Object.fromEntries(entries) as { [key: string]: JsonValue };
  }

  array(depth: number): JsonValue[] {
    this.pos++;
    const items: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth));
      this.skipSpace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return items;
      }
      this.expect(',', "',' or ']'");
    }
  }
}

/** Line and column (1-based) of a UTF-16 offset. */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: position - lastBreak };
}

/**
 * Parses the one JSON value starting at the beginning of `text` (after spaces); `end` is the offset just after
 * it, and the rest is left to the caller. Errors read like "bad JSON at position 12 (line 1, column 13): expected ','".
 */
export function parseJsonPrefix(text: string, maxDepth = DEFAULT_MAX_DEPTH): JsonParseResult {
  const parser = new Parser(text, maxDepth);
  try {
    const value = parser.value(0);
    return { ok: true, value, end: parser.pos };
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const { line, column } = lineColumn(text, err.position);
    const where = err.position >= text.length ? 'at the end' : `at position ${err.position}`;
    if (err.tooDeep) {
      return {
        ok: false,
        error: `JSON nested too deeply ${where} (line ${line}, column ${column}): at most ${maxDepth} levels`,
      };
    }
    return { ok: false, error: `bad JSON ${where} (line ${line}, column ${column}): expected ${err.expected}` };
  }
}
