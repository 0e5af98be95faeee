import { describe, expect, it } from 'vitest';
import {
  escapeCode,
  escapeMrkdwn,
  formatSlackDate,
  inlineCode,
  mentionUser,
  plain,
  stripControl,
  truncate,
} from '../../../src/slack/escape.js';
import { detectInjection } from '../../fakes/fake-slack/injection.js';
import { EVIL } from './pairing-fixtures.js';

describe('escapeMrkdwn', () => {
  it('escapes &, < and > as entities', () => {
    expect(escapeMrkdwn('a & b <c> d')).toBe('a &amp; b &lt;c&gt; d');
  });

  it('decodes entity-encoded input exactly once instead of double-escaping it', () => {
    expect(escapeMrkdwn('&lt;!channel&gt; &amp; x')).toBe('&lt;!channel&gt; &amp; x');
    expect(escapeMrkdwn('&amp;lt;')).toBe('&amp;lt;');
  });

  it('leaves no <…> token and no bare angle bracket', () => {
    const out = escapeMrkdwn(EVIL);
    expect(out).not.toMatch(/[<>]/);
    expect(detectInjection(out, {}, true)).toEqual([]);
  });

  it('neutralises auto-parsed @here, @channel and @everyone in any case', () => {
    const out = escapeMrkdwn('hi @here @CHANNEL @everyone and @hereafter alice@here.com');
    expect(out).not.toMatch(/@(here|channel|everyone)\b/i);
    expect(out).toContain('@hereafter');
    expect(detectInjection(out, {}, true)).toEqual([]);
  });

  it('strips control characters and bidi overrides but keeps newlines and tabs', () => {
    expect(escapeMrkdwn('a\u0000b\u0007c\u001bd\u202Ee\u2066f\n\tg\u009f')).toBe('abcdef\n\tg');
  });
});

describe('stripControl', () => {
  it('replaces lone surrogates and keeps valid pairs', () => {
    expect(stripControl('a\uD800b 🎉 \uDC00')).toBe('a\uFFFDb 🎉 \uFFFD');
  });
});

describe('truncate', () => {
  it('returns short text unchanged', () => {
    expect(truncate('hello', 5)).toBe('hello');
  });

  it('appends an ellipsis and stays within max code points', () => {
    const out = truncate('abcdefghij', 5);
    expect(out).toBe('abcd…');
    expect(Array.from(out)).toHaveLength(5);
  });

  it('never cuts an escape entity in half', () => {
    for (let max = 1; max < 20; max++) {
      const out = truncate(escapeMrkdwn('a<b>&c<<<>>>&&&'), max);
      expect(out).not.toMatch(/&[a-z]{0,3}…$/);
      expect(Array.from(out).length).toBeLessThanOrEqual(max);
    }
  });

  it('never splits a surrogate pair', () => {
    const out = truncate('🎉🎉🎉🎉', 3);
    expect(out).toBe('🎉🎉…');
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('drops a token it would cut instead of leaving a bare <', () => {
    expect(truncate(`by ${mentionUser('U012ABCDEF')} at`, 8)).toBe('by …');
  });

  it('returns an empty string for a zero budget', () => {
    expect(truncate('abc', 0)).toBe('');
  });
});

describe('escapeCode', () => {
  it('escapes entities and breaks every run of backticks', () => {
    const out = escapeCode('```<!channel>```');
    expect(out).not.toContain('``');
    expect(out).not.toMatch(/[<>]/);
  });
});

describe('inlineCode', () => {
  it('wraps escaped text in backticks that the text cannot close', () => {
    expect(inlineCode('a`b<c>')).toBe('`aˋb&lt;c&gt;`');
  });

  it('renders empty text as a placeholder', () => {
    expect(inlineCode('   ')).toBe('(empty)');
  });
});

describe('plain', () => {
  it('uses a placeholder for empty or missing text', () => {
    expect(plain('', 10)).toBe('(none)');
    expect(plain(undefined, 10)).toBe('(none)');
    expect(plain('\u0000\u0001', 10)).toBe('(none)');
  });

  it('clamps length and makes angle brackets and mass mentions inert', () => {
    const out = plain(`<!channel> @here ${'x'.repeat(500)}`, 150);
    expect(Array.from(out).length).toBeLessThanOrEqual(150);
    expect(out).not.toMatch(/[<>]/);
    expect(out).not.toMatch(/@here\b/);
  });
});

describe('mentionUser', () => {
  it('wraps a valid user id as a mention', () => {
    expect(mentionUser('U012ABCDEF')).toBe('<@U012ABCDEF>');
    expect(mentionUser('W0ENTERPRISE')).toBe('<@W0ENTERPRISE>');
  });

  it('escapes anything that is not a valid user id', () => {
    expect(mentionUser('<!channel>')).toBe('&lt;!channel&gt;');
    expect(mentionUser('u012abc')).toBe('u012abc');
    expect(mentionUser('S0GROUP')).toBe('S0GROUP');
    expect(mentionUser(`U${'A'.repeat(40)}`)).not.toContain('<@');
  });
});

describe('formatSlackDate', () => {
  it('builds a date token with an ISO fallback', () => {
    expect(formatSlackDate(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe(
      '<!date^1767323045^{date_short_pretty} {time}|2026-01-02T03:04:05.000Z>',
    );
  });

  it('does not throw on a nonsense timestamp', () => {
    expect(formatSlackDate(Number.NaN)).toBe('an unknown time');
    expect(formatSlackDate(1e300)).toBe('an unknown time');
  });
});
