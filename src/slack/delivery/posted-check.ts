import type { WebClient } from '@slack/web-api';
import { DEFAULT_GATEWAY, keyString, type RequestKey } from '../../storage/ports.js';

/** Metadata event types the bot tags its own posts with, so a lost answer never leads to a second post. */
export const CARD_EVENT = 'openclaw_pairing_card';
export const REPLY_EVENT = 'openclaw_decision_reply';
export const ALERT_EVENT = 'openclaw_alert';

/** How far before a post attempt to look, for clock differences between us and Slack. */
const LOOKBACK_S = 120;

type HistoryClient = Pick<WebClient, 'conversations'>;

/** The key a card's metadata lists for a request: `gateway:kind:requestId`. */
export function requestKey(key: RequestKey): string {
  return keyString(key);
}

/** Keys an older release wrote (`kind:requestId`, one gateway) are read as the gateway `default`'s. */
function normalizeListedKey(listed: string): string {
  return listed.split(':').length === 2 ? `${DEFAULT_GATEWAY}:${listed}` : listed;
}

/** Metadata for a card (or digest) showing these requests (request ids are not secret; metadata is workspace-visible). */
export function cardMetadata(keys: readonly string[]) {
  // Metadata payload values cannot be string arrays: one key per line.
  return { event_type: CARD_EVENT, event_payload: { requests: keys.join('\n') } };
}

/** Metadata for one queued message (a thread reply or an alert) by its outbox id. */
export function messageMetadata(eventType: typeof REPLY_EVENT | typeof ALERT_EVENT, messageId: number) {
  return { event_type: eventType, event_payload: { reply_id: messageId } };
}

function payloadOf(message: { metadata?: { event_type?: string; event_payload?: unknown } }, eventType: string) {
  return message.metadata?.event_type === eventType
    ? (message.metadata.event_payload as Record<string, unknown>)
    : undefined;
}

/** Finds cards already posted since `sinceMs` for any of `keys`; returns key → ts. */
export async function findPostedCards(
  client: HistoryClient,
  channel: string,
  keys: readonly string[],
  sinceMs: number,
): Promise<Map<string, string>> {
  const wanted = new Set(keys);
  const found = new Map<string, string>();
  const history = await client.conversations.history({
    channel,
    oldest: (sinceMs / 1000 - LOOKBACK_S).toFixed(6),
    include_all_metadata: true,
    limit: 200,
  });
  for (const message of history.messages ?? []) {
    const listed = payloadOf(message, CARD_EVENT)?.requests;
    if (typeof listed !== 'string' || !message.ts) continue;
    for (const key of listed.split('\n').map(normalizeListedKey)) if (wanted.has(key)) found.set(key, message.ts);
  }
  return found;
}

/** Whether the thread under `threadTs` already holds the message with this outbox id. */
export async function isReplyPosted(
  client: HistoryClient,
  channel: string,
  threadTs: string,
  messageId: number,
): Promise<boolean> {
  const thread = await client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 });
  return (thread.messages ?? []).some((m) => payloadOf(m, REPLY_EVENT)?.reply_id === messageId);
}

/** Whether the channel already holds the alert with this outbox id (posted since `sinceMs`). */
export async function isAlertPosted(
  client: HistoryClient,
  channel: string,
  messageId: number,
  sinceMs: number,
): Promise<boolean> {
  return (await findAlertTs(client, channel, messageId, sinceMs)) !== undefined;
}

/** The `ts` of the alert posted for queued message `messageId` (an earlier try whose answer was lost), if any. */
export async function findAlertTs(
  client: HistoryClient,
  channel: string,
  messageId: number,
  sinceMs: number,
): Promise<string | undefined> {
  const history = await client.conversations.history({
    channel,
    oldest: (sinceMs / 1000 - LOOKBACK_S).toFixed(6),
    include_all_metadata: true,
    limit: 200,
  });
  return (history.messages ?? []).find((m) => payloadOf(m, ALERT_EVENT)?.reply_id === messageId)?.ts;
}
