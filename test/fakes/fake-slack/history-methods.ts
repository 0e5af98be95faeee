/** conversations.history and conversations.replies: newest first / thread order, metadata only with include_all_metadata. */
import { type ChatContext, toApiMessage } from './chat-methods.js';
import type { JsonObject, StoredMessage } from './types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : String(v));
const num = (v: unknown, fallback: number): number => (v === undefined || v === '' ? fallback : Number(v));
const truthy = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;

function readable(channel: string, ctx: ChatContext): 'ok' | 'channel_not_found' | 'not_in_channel' {
  const state = ctx.store.channels.get(channel);
  if (!state) return 'channel_not_found';
  if (state.isMember) return 'ok';
  return state.isPrivate ? 'channel_not_found' : 'not_in_channel';
}

function present(m: StoredMessage, args: JsonObject, ctx: ChatContext): JsonObject {
  const message = toApiMessage(m, ctx.botId);
  if (truthy(args.include_all_metadata) || !m.metadata) return message;
  // Without include_all_metadata Slack returns only the event_type.
  return { ...message, metadata: { event_type: m.metadata.event_type } };
}

/** conversations.history: top-level messages between `oldest` and `latest`, newest first, up to `limit` (max 999). */
export function conversationHistory(args: JsonObject, ctx: ChatContext): JsonObject {
  const channel = str(args.channel);
  const access = readable(channel, ctx);
  if (access !== 'ok') return { ok: false, error: access };
  const oldest = num(args.oldest, 0);
  const latest = num(args.latest, Number.POSITIVE_INFINITY);
  const limit = Math.min(Math.max(num(args.limit, 100), 1), 999);
  const matching = ctx.store.messages
    .filter((m) => m.channel === channel && (!m.thread_ts || m.thread_ts === m.ts))
    .filter((m) => Number(m.ts) >= oldest && Number(m.ts) <= latest)
    .reverse();
  const page = matching.slice(0, limit);
  return { ok: true, messages: page.map((m) => present(m, args, ctx)), has_more: matching.length > limit };
}

/** conversations.replies: the parent message and its replies, oldest first. */
export function conversationReplies(args: JsonObject, ctx: ChatContext): JsonObject {
  const channel = str(args.channel);
  const access = readable(channel, ctx);
  if (access !== 'ok') return { ok: false, error: access };
  const ts = str(args.ts);
  const parent = ctx.store.findMessage(channel, ts);
  if (!parent) return { ok: false, error: 'thread_not_found' };
  const replies = ctx.store.messages.filter((m) => m.channel === channel && m.thread_ts === ts && m.ts !== ts);
  return { ok: true, messages: [parent, ...replies].map((m) => present(m, args, ctx)), has_more: false };
}

/** conversations.open: a DM between the bot and one user (`D` + the user id), created on first use. */
export function conversationOpen(args: JsonObject, ctx: ChatContext): JsonObject {
  const users = str(args.users).split(',').filter(Boolean);
  if (users.length !== 1 || !/^[UW][A-Z0-9]+$/.test(users[0] ?? '')) return { ok: false, error: 'user_not_found' };
  const id = `D${(users[0] ?? '').slice(1)}`;
  if (!ctx.store.channels.has(id)) ctx.store.addChannel(id, { isMember: true, isPrivate: true });
  return { ok: true, channel: { id } };
}
