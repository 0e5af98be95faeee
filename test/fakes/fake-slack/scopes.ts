/** The bot scope each Web API method needs (from its docs.slack.dev page), by the kind of conversation it names. */
import type { JsonObject } from './types.js';

type ScopeRule = string | ((args: JsonObject) => string);

/** `C…` public, `G…` private, `D…` a DM. */
function byConversation(prefix: string): (args: JsonObject) => string {
  return (args) => {
    const channel = typeof args.channel === 'string' ? args.channel : '';
    if (channel.startsWith('G')) return `groups:${prefix}`;
    if (channel.startsWith('D')) return `im:${prefix}`;
    return `channels:${prefix}`;
  };
}

const RULES: Readonly<Record<string, ScopeRule>> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.history': byConversation('history'),
  'conversations.replies': byConversation('history'),
  'conversations.info': byConversation('read'),
  'conversations.open': 'im:write',
  'usergroups.users.list': 'usergroups:read',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
};

/** The scope `method` needs for these args, or undefined when it needs none (auth.test, views.*). */
export function requiredScope(method: string, args: JsonObject): string | undefined {
  const rule = RULES[method];
  if (rule === undefined) return undefined;
  return typeof rule === 'string' ? rule : rule(args);
}
