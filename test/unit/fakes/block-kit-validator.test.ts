import { describe, expect, it } from 'vitest';
import { countBlocksText, validateBlocks } from '../../fakes/fake-slack/block-kit-validator.js';
import { validateModalView } from '../../fakes/fake-slack/block-kit-view.js';

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const button = (extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain('Approve'),
  action_id: 'approve',
  ...extra,
});
const actions = (elements: unknown[]) => ({ type: 'actions', block_id: 'acts', elements });
const confirm = (extra: Record<string, unknown> = {}) => ({
  title: plain('Sure?'),
  text: plain('This pairs the node.'),
  confirm: plain('Yes'),
  deny: plain('No'),
  ...extra,
});
const x = (n: number) => 'x'.repeat(n);

/** The json-pointers of the errors, in order. */
function pointers(errors: readonly string[]): string[] {
  return errors.map((e) => /\[json-pointer:(.*)\]$/.exec(e)?.[1] ?? `unparsed: ${e}`);
}

describe('validateBlocks', () => {
  it('accepts a realistic approval message', () => {
    const blocks = [
      { type: 'header', block_id: 'h', text: plain('Pairing request') },
      {
        type: 'section',
        block_id: 's',
        text: mrkdwn('*node-1* wants to pair'),
        fields: [mrkdwn('*Platform*\nlinux'), mrkdwn('*Requested*\nnow')],
        accessory: { type: 'image', image_url: 'https://example.com/i.png', alt_text: 'icon' },
      },
      { type: 'divider' },
      {
        type: 'context',
        elements: [mrkdwn('req `abc`'), { type: 'image', image_url: 'https://e.com/a.png', alt_text: 'a' }],
      },
      actions([
        button({ style: 'primary', value: 'req-1', confirm: confirm({ style: 'primary' }) }),
        button({ action_id: 'reject', text: plain('Reject'), style: 'danger', value: 'req-1' }),
      ]),
      { type: 'markdown', text: '**done**' },
    ];
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('reports errors in the shape Slack returns', () => {
    expect(validateBlocks([section(x(3001))], 'message')).toEqual([
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
  });

  it('allows 50 blocks in a message and 100 in a modal, no more', () => {
    const many = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
    expect(validateBlocks(many(50), 'message')).toEqual([]);
    expect(pointers(validateBlocks(many(51), 'message'))).toEqual(['/blocks']);
    expect(validateBlocks(many(100), 'modal')).toEqual([]);
    expect(pointers(validateBlocks(many(101), 'modal'))).toEqual(['/blocks']);
  });

  it('rejects a blocks value that is not an array', () => {
    expect(pointers(validateBlocks({ type: 'divider' }, 'message'))).toEqual(['/blocks']);
  });

  it('limits block_id to 1..255 characters and requires it unique', () => {
    expect(validateBlocks([{ type: 'divider', block_id: x(255) }], 'message')).toEqual([]);
    expect(pointers(validateBlocks([{ type: 'divider', block_id: x(256) }], 'message'))).toEqual([
      '/blocks/0/block_id',
    ]);
    expect(pointers(validateBlocks([{ type: 'divider', block_id: '' }], 'message'))).toEqual(['/blocks/0/block_id']);
    const dup = [
      { type: 'divider', block_id: 'a' },
      { type: 'divider', block_id: 'a' },
    ];
    expect(pointers(validateBlocks(dup, 'modal'))).toEqual(['/blocks/1/block_id']);
  });

  it('limits section text to 1..3000 and requires text or fields', () => {
    expect(validateBlocks([section(x(3000))], 'message')).toEqual([]);
    expect(pointers(validateBlocks([section('')], 'message'))).toEqual(['/blocks/0/text/text']);
    expect(pointers(validateBlocks([{ type: 'section' }], 'message'))).toEqual(['/blocks/0']);
  });

  it('limits section fields to 10 items of at most 2000 characters', () => {
    const fields = (n: number, len = 5) => [
      { type: 'section', fields: Array.from({ length: n }, () => mrkdwn(x(len))) },
    ];
    expect(validateBlocks(fields(10, 2000), 'message')).toEqual([]);
    expect(pointers(validateBlocks(fields(11), 'message'))).toEqual(['/blocks/0/fields']);
    expect(pointers(validateBlocks(fields(1, 2001), 'message'))).toEqual(['/blocks/0/fields/0/text']);
  });

  it('requires header text to be plain_text of at most 150 characters', () => {
    expect(validateBlocks([{ type: 'header', text: plain(x(150)) }], 'message')).toEqual([]);
    expect(pointers(validateBlocks([{ type: 'header', text: plain(x(151)) }], 'message'))).toEqual([
      '/blocks/0/text/text',
    ]);
    expect(pointers(validateBlocks([{ type: 'header', text: mrkdwn('hi') }], 'message'))).toEqual([
      '/blocks/0/text/type',
    ]);
  });

  it('limits context to 10 elements and actions to 25', () => {
    const context = (n: number) => [{ type: 'context', elements: Array.from({ length: n }, () => mrkdwn('c')) }];
    expect(validateBlocks(context(10), 'message')).toEqual([]);
    expect(pointers(validateBlocks(context(11), 'message'))).toEqual(['/blocks/0/elements']);
    const buttons = (n: number) => Array.from({ length: n }, (_, i) => button({ action_id: `a${i}` }));
    expect(validateBlocks([actions(buttons(25))], 'message')).toEqual([]);
    expect(pointers(validateBlocks([actions(buttons(26))], 'message'))).toEqual(['/blocks/0/elements']);
  });

  it('enforces button text, action_id, value, url and style limits', () => {
    const check = (extra: Record<string, unknown>) => pointers(validateBlocks([actions([button(extra)])], 'message'));
    expect(check({ text: plain(x(75)), action_id: x(255), value: x(2000), url: `https://e.com/${x(2000)}` })).toEqual(
      [],
    );
    expect(check({ text: plain(x(76)) })).toEqual(['/blocks/0/elements/0/text/text']);
    expect(check({ text: mrkdwn('Approve') })).toEqual(['/blocks/0/elements/0/text/type']);
    expect(check({ action_id: x(256) })).toEqual(['/blocks/0/elements/0/action_id']);
    expect(check({ value: x(2001) })).toEqual(['/blocks/0/elements/0/value']);
    expect(check({ url: x(3001) })).toEqual(['/blocks/0/elements/0/url']);
    expect(check({ style: 'secondary' })).toEqual(['/blocks/0/elements/0/style']);
    expect(check({ accessibility_label: x(76) })).toEqual(['/blocks/0/elements/0/accessibility_label']);
  });

  it('requires action_ids unique within a block but not across blocks', () => {
    expect(pointers(validateBlocks([actions([button(), button()])], 'message'))).toEqual([
      '/blocks/0/elements/1/action_id',
    ]);
    const twoBlocks = [
      { ...actions([button()]), block_id: 'a' },
      { ...actions([button()]), block_id: 'b' },
    ];
    expect(validateBlocks(twoBlocks, 'message')).toEqual([]);
  });

  it('enforces confirm dialog limits', () => {
    const check = (c: Record<string, unknown>) =>
      pointers(validateBlocks([actions([button({ confirm: c })])], 'message'));
    const p = '/blocks/0/elements/0/confirm';
    expect(check(confirm({ title: plain(x(101)) }))).toEqual([`${p}/title/text`]);
    expect(check(confirm({ text: plain(x(301)) }))).toEqual([`${p}/text/text`]);
    expect(check(confirm({ confirm: plain(x(31)) }))).toEqual([`${p}/confirm/text`]);
    expect(check(confirm({ deny: plain(x(31)) }))).toEqual([`${p}/deny/text`]);
    expect(check(confirm({ deny: undefined }))).toEqual([`${p}/deny`]);
    expect(check(confirm({ style: 'neutral' }))).toEqual([`${p}/style`]);
  });

  it('enforces text object type, emoji and verbatim rules', () => {
    const one = (text: unknown) => pointers(validateBlocks([{ type: 'section', text }], 'message'));
    expect(one({ type: 'markdown', text: 'hi' })).toEqual(['/blocks/0/text/type']);
    expect(one({ type: 'mrkdwn', text: 'hi', emoji: true })).toEqual(['/blocks/0/text/emoji']);
    expect(one({ type: 'plain_text', text: 'hi', verbatim: true })).toEqual(['/blocks/0/text/verbatim']);
    expect(one({ type: 'plain_text', text: 'hi', emoji: true })).toEqual([]);
    expect(one({ type: 'mrkdwn', text: 'hi', verbatim: true })).toEqual([]);
  });

  it('limits a markdown block to 12000 characters', () => {
    expect(validateBlocks([{ type: 'markdown', text: x(12_000) }], 'message')).toEqual([]);
    expect(pointers(validateBlocks([{ type: 'markdown', text: x(12_001) }], 'message'))).toEqual(['/blocks/0/text']);
  });

  it('rejects unknown block types and elements not allowed in a block', () => {
    expect(pointers(validateBlocks([{ type: 'table' }], 'message'))).toEqual(['/blocks/0/type']);
    const imageInActions = actions([{ type: 'image', image_url: 'https://e.com/a.png', alt_text: 'a' }]);
    expect(pointers(validateBlocks([imageInActions], 'message'))).toEqual(['/blocks/0/elements/0/type']);
  });

  it('enforces option limits on overflow menus', () => {
    const option = (value: string) => ({ text: plain('o'), value });
    const overflow = (options: unknown[]) => [actions([{ type: 'overflow', action_id: 'more', options }])];
    expect(validateBlocks(overflow([option('a')]), 'message')).toEqual([]);
    expect(pointers(validateBlocks(overflow(Array.from({ length: 6 }, (_, i) => option(`v${i}`))), 'message'))).toEqual(
      ['/blocks/0/elements/0/options'],
    );
    expect(pointers(validateBlocks(overflow([option(x(151))]), 'message'))).toEqual([
      '/blocks/0/elements/0/options/0/value',
    ]);
  });
});

describe('countBlocksText', () => {
  it('sums the text of every text object and markdown block', () => {
    const blocks = [section('abc'), { type: 'markdown', text: 'de' }, actions([button()])];
    expect(countBlocksText(blocks)).toBe(3 + 2 + 'Approve'.length);
  });
});

describe('validateModalView', () => {
  const modal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    title: plain('Pair node'),
    blocks: [],
    ...extra,
  });

  it('accepts a modal with an input block and a submit button', () => {
    const input = { type: 'input', label: plain('Reason'), element: { type: 'plain_text_input', action_id: 'r' } };
    expect(validateModalView(modal({ submit: plain('Send'), blocks: [input] }))).toEqual([]);
  });

  it('limits title, submit and close to 24 plain_text characters and needs submit with inputs', () => {
    expect(pointers(validateModalView(modal({ title: plain(x(25)) })))).toEqual(['/view/title/text']);
    expect(pointers(validateModalView(modal({ close: mrkdwn('x') })))).toEqual(['/view/close/type']);
    const input = { type: 'input', label: plain('Reason'), element: { type: 'plain_text_input', action_id: 'r' } };
    expect(pointers(validateModalView(modal({ blocks: [input] })))).toEqual(['/view/submit']);
    expect(pointers(validateModalView(modal({ private_metadata: x(3001) })))).toEqual(['/view/private_metadata']);
  });
});
