import { describe, expect, it } from 'vitest';
import { decodeSlackText } from '../../../src/commands/parse/decode-slack-text.js';
import { parseDuration } from '../../../src/commands/parse/parse-duration.js';
import { lineColumn, parseJsonPrefix } from '../../../src/commands/parse/parse-json.js';
import { quoteInput } from '../../../src/commands/parse/read-args.js';
import { readToken, type Token } from '../../../src/commands/parse/tokenize.js';

describe('decodeSlackText', () => {
  it('turns escaped mentions, channels and links into what the user typed', () => {
    expect(decodeSlackText('<@U0123> <@U0456|bob> <#C0123|ops> <#C0456|>')).toBe('@U0123 @bob #ops #C0456');
    expect(decodeSlackText('<!here> <!channel> <!everyone> <!subteam^S01|@team>')).toBe(
      '@here @channel @everyone @team',
    );
    expect(decodeSlackText('<https://x.example/a|x.example/a> <https://y.example> <mailto:a@b.c|a@b.c>')).toBe(
      'x.example/a https://y.example a@b.c',
    );
    expect(decodeSlackText('<!date^1392734382^{date}|Feb 18>')).toBe('Feb 18');
  });

  it('decodes &lt; &gt; &amp; exactly once, after the tokens', () => {
    expect(decodeSlackText('a &lt;b&gt; &amp;lt; &amp;amp;')).toBe('a <b> &lt; &amp;');
    expect(decodeSlackText('&lt;!channel&gt;')).toBe('<!channel>');
  });
});

describe('parseJsonPrefix', () => {
  it('returns the value and the offset just after it', () => {
    expect(parseJsonPrefix(' {"a": [1, -2.5e-1, "x\\n\\u0041"]} --share')).toEqual({
      ok: true,
      value: { a: [1, -0.25, 'x\nA'] },
      end: 33,
    });
  });

  it('refuses raw control characters in strings, bad escapes and lone minus signs', () => {
    expect(parseJsonPrefix('{"a":"x\ty"}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/position 5 .*complete string/),
    });
    expect(parseJsonPrefix('{"a":"\\q"}')).toMatchObject({ ok: false });
    expect(parseJsonPrefix('{"a":-}')).toMatchObject({ ok: false, error: expect.stringMatching(/expected a value/) });
    expect(parseJsonPrefix('{"a":tru}')).toMatchObject({ ok: false, error: expect.stringMatching(/position 5/) });
  });

  it('honours a custom depth limit', () => {
    expect(parseJsonPrefix('[[1]]', 1)).toMatchObject({ ok: false, error: expect.stringMatching(/at most 1 levels/) });
    expect(parseJsonPrefix('[[1]]', 2)).toMatchObject({ ok: true });
  });

  it('counts lines and columns from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

/** Reads every word of `text` with readToken, the way the parser walks a command. */
function readAll(text: string): { ok: true; tokens: Token[] } | { ok: false; error: string } {
  const tokens: Token[] = [];
  for (let pos = 0; ; ) {
    const read = readToken(text, pos);
    if (!read.ok) return read;
    if (!read.token) return { ok: true, tokens };
    tokens.push(read.token);
    pos = read.token.end;
  }
}

describe('readToken', () => {
  it('splits on any whitespace and keeps offsets', () => {
    const read = readAll('  a\u00a0"b c"\t“d e” \'f\'');
    expect(read).toEqual({
      ok: true,
      tokens: [
        { value: 'a', start: 2, end: 3, quoted: false },
        { value: 'b c', start: 4, end: 9, quoted: true },
        { value: 'd e', start: 10, end: 15, quoted: true },
        { value: 'f', start: 16, end: 19, quoted: true },
      ],
    });
  });

  it('reports an unclosed quote and the end of the text', () => {
    expect(readToken('"abc', 0)).toMatchObject({ ok: false, error: expect.stringMatching(/position 0/) });
    expect(readToken('   ', 0)).toEqual({ ok: true, token: undefined });
  });
});

describe('parseDuration', () => {
  it('accepts ms, s and m within bounds', () => {
    expect(parseDuration('500ms')).toEqual({ ok: true, ms: 500 });
    expect(parseDuration('1.5s')).toEqual({ ok: true, ms: 1_500 });
    expect(parseDuration('2M')).toEqual({ ok: true, ms: 120_000 });
    expect(parseDuration('30')).toMatchObject({ ok: false });
    expect(parseDuration('1h')).toMatchObject({ ok: false });
    expect(parseDuration('11m')).toMatchObject({ ok: false });
  });
});

describe('quoteInput', () => {
  it('makes user input inert and short for error messages', () => {
    expect(quoteInput('<!channel>')).toBe('"‹!channel›"');
    expect(quoteInput('a\u0000b\u202ec')).toBe('"abc"');
    expect(quoteInput('x'.repeat(100))).toBe(`"${'x'.repeat(39)}…"`);
  });
});
