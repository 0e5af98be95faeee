/** Shared assertions for rendered messages: valid Block Kit, bounded text, and nothing that pings or links. */
import { expect } from 'vitest';
import { countBlocksText, validateBlocks } from '../../fakes/fake-slack/block-kit-validator.js';
import { scanMessageForInjection } from '../../fakes/fake-slack/injection.js';

/** Strings that must come out inert wherever they are echoed. */
export const HOSTILE: readonly string[] = [
  '<!channel>',
  '<!here|here>',
  '<!everyone>',
  '<@U0123ABCD>',
  '<!subteam^S0123|@ops>',
  '<https://evil.example|click me>',
  '&lt;!channel&gt;',
  '@here @channel',
  '```code``` `x`',
  '*bold* _it_ ~s~',
  'nul\u0000bell\u0007rlo\u202eesc\u001b[31m',
  'lone \ud800 surrogate',
  '😀'.repeat(3000),
  'x'.repeat(100_000),
];

/** Rough cumulative limit we keep under (Slack rejects ~12-13k as msg_blocks_too_long). */
export const TOTAL_TEXT_MAX = 11_000;

/** Asserts the message is one Slack would accept and that it cannot notify anyone or carry a link. */
export function expectSafeMessage(message: { text: string; blocks: readonly object[] }): void {
  expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  expect(countBlocksText(message.blocks)).toBeLessThanOrEqual(TOTAL_TEXT_MAX);
  expect(message.text.length).toBeGreaterThan(0);
  expect([...message.text].length).toBeLessThanOrEqual(3000);
  expect(scanMessageForInjection({ text: message.text, blocks: message.blocks }, {}, 'test')).toEqual([]);
  const raw = JSON.stringify({ text: message.text, blocks: message.blocks });
  expect(raw).not.toMatch(/<[@#!](?!date\^)/);
  expect(raw).not.toMatch(/<https?:/);
}
