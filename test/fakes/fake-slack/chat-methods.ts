/** chat.postMessage, chat.update and chat.postEphemeral with Slack's membership, length and block rules. */
import { collectBlockIds } from './block-kit-validator.js';
import { type ContentContext, checkMessageContent } from './message-content.js';
import type { JsonObject, StoredMessage } from './types.js';

export interface ChatContext extends ContentContext {
  readonly botUserId: string;
  readonly botId: string;
}

const fail = (error: string): JsonObject => ({ ok: false, error });
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The message object Slack returns from chat.* methods. */
export function toApiMessage(m: StoredMessage, botId: string): JsonObject {
  return {
    type: 'message',
    user: m.user,
    ...(m.botPosted ? { bot_id: botId } : {}),
    ts: m.ts,
    text: m.text,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
  };
}

/** chat.postMessage: membership, blocks, text fallback, 40k truncation. Rate limiting happens before this. */
export function postMessage(args: JsonObject, ctx: ChatContext): JsonObject {
  const channel = str(args.channel);
  const access = ctx.store.checkPostAccess(channel);
  if (access !== 'ok') return fail(access);
  const checked = checkMessageContent(args, { source: 'chat.postMessage' }, ctx);
  if (!checked.ok) return checked.body;
  const { text, blocks, metadata, warnings } = checked.content;
  const message = ctx.store.addMessage({
    channel,
    user: ctx.botUserId,
    botPosted: true,
    via: 'chat.postMessage',
    text,
    ...(blocks ? { blocks } : {}),
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
    ...(str(args.thread_ts) ? { thread_ts: str(args.thread_ts) } : {}),
  });
  return {
    ok: true,
    channel,
    ts: message.ts,
    message: toApiMessage(message, ctx.botId),
    ...(warnings.length > 0 ? { response_metadata: { warnings } } : {}),
  };
}

/** chat.update: only the bot's own non-ephemeral messages; text ≤4000; blocks and metadata kept unless sent. */
export function updateMessage(args: JsonObject, ctx: ChatContext): JsonObject {
  const channel = str(args.channel);
  const ts = str(args.ts);
  if (!ctx.store.channels.has(channel)) return fail('channel_not_found');
  const message = ctx.store.findMessage(channel, ts);
  if (!message) return fail(ctx.store.findEphemeral(channel, ts) ? 'cant_update_message' : 'message_not_found');
  if (!message.botPosted) return fail('cant_update_message');
  const checked = checkMessageContent(args, { source: 'chat.update', maxTextChars: 4000 }, ctx);
  if (!checked.ok) return checked.body;
  const { text, blocks, metadata, hasMetadataArg } = checked.content;
  const reused = collectBlockIds(blocks).filter((id) => collectBlockIds(message.blocks).includes(id));
  if (reused.length > 0) ctx.store.warn('chat.update', `reused_block_id:${reused.join(',')}`);
  message.text = text;
  // Omitted blocks are kept; an empty array removes them (chat.update docs).
  if (blocks && blocks.length > 0) message.blocks = blocks;
  else if (blocks) delete message.blocks;
  if (hasMetadataArg) {
    if (metadata && Object.keys(metadata).length > 0) message.metadata = metadata;
    else delete message.metadata;
  }
  message.edits++;
  return { ok: true, channel, ts, text, message: toApiMessage(message, ctx.botId) };
}

/** chat.postEphemeral: membership of the bot and (when known) of the user; text ≤4000. */
export function postEphemeral(args: JsonObject, ctx: ChatContext): JsonObject {
  const channel = str(args.channel);
  const user = str(args.user);
  const access = ctx.store.checkPostAccess(channel);
  if (access !== 'ok') return fail(access);
  if (!user) return fail('user_not_found');
  const members = ctx.store.channels.get(channel)?.members;
  if (members && !members.has(user)) return fail('user_not_in_channel');
  const checked = checkMessageContent(args, { source: 'chat.postEphemeral', maxTextChars: 4000 }, ctx);
  if (!checked.ok) return checked.body;
  const { text, blocks } = checked.content;
  const message = ctx.store.addEphemeral({
    channel,
    user,
    via: 'chat.postEphemeral',
    text,
    ...(blocks ? { blocks } : {}),
    ...(str(args.thread_ts) ? { thread_ts: str(args.thread_ts) } : {}),
  });
  return { ok: true, message_ts: message.ts };
}
