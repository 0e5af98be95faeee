/** Helpers of the deny-by-default suite: cards, forged clicks, the audit rows of one actor. */
import { vi } from 'vitest';
import type { JsonObject, StoredMessage } from '../../fakes/fake-slack/types.js';
import { CHANNEL, type Harness, TEAM } from '../support/bot-harness.js';

export const until = <T>(fn: () => T | Promise<T>, timeout = 5_000): Promise<T> =>
  vi.waitFor(fn, { timeout, interval: 10 });

/** Waits until `fn` returns something other than undefined, and returns it. */
export function untilDefined<T>(fn: () => T | undefined, what: string, timeout = 5_000): Promise<T> {
  return until(() => {
    const value = fn();
    if (value === undefined) throw new Error(`still waiting for ${what}`);
    return value;
  }, timeout);
}

/** The newest modal the fake Slack has open. */
export function newestView(h: Harness): Promise<{ id: string; blocks?: unknown }> {
  return untilDefined(() => h.slack.views().at(-1) as { id: string; blocks?: unknown } | undefined, 'a modal');
}

export const cards = (h: Harness): StoredMessage[] => h.slack.messages(CHANNEL).filter((m) => !m.thread_ts);
export const json = (m: StoredMessage | undefined): string => JSON.stringify(m?.blocks ?? []);

/** Waits for the top-level message naming `name`. */
export function cardFor(h: Harness, name: string): Promise<StoredMessage> {
  return until(() => {
    const card = cards(h).find((m) => json(m).includes(name));
    if (!card) throw new Error(`no card for ${name}`);
    return card;
  });
}

/** A block_actions payload as Slack would send it for a button of `card`, but with a value the card never had. */
export function forgedClick(card: StoredMessage, userId: string, actionId: string, value: string): JsonObject {
  return {
    type: 'block_actions',
    user: { id: userId, username: 'mallory', name: 'mallory', team_id: TEAM },
    api_app_id: 'A0FAKEAPP',
    container: { type: 'message', message_ts: card.ts, channel_id: CHANNEL, is_ephemeral: false },
    team: { id: TEAM, domain: 'fake-workspace' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: CHANNEL, name: 'pairing' },
    message: { type: 'message', user: card.user, ts: card.ts, text: card.text, blocks: card.blocks ?? [] },
    state: { values: {} },
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'forged',
        value,
        text: { type: 'plain_text', text: 'Approve' },
        action_ts: '1.000001',
      },
    ],
  };
}

/** The value of the first element with `actionId` in `card`. */
export function buttonValue(card: StoredMessage, actionId: string): string {
  for (const block of card.blocks ?? []) {
    const elements = [...((block.elements as JsonObject[] | undefined) ?? []), block.accessory as JsonObject];
    const found = elements.find((e) => e?.action_id === actionId);
    if (typeof found?.value === 'string') return found.value;
  }
  throw new Error(`no ${actionId} button`);
}
