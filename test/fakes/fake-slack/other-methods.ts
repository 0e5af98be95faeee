/** auth.test, views.open/update, usergroups.users.list and conversations.info. */
import { MAX_VIEW_BYTES, validateModalView } from './block-kit-view.js';
import { readObjectArg } from './request-body.js';
import type { SlackStore } from './store.js';
import type { TriggerIds } from './triggers.js';
import type { JsonObject } from './types.js';

export interface WorkspaceIdentity {
  readonly teamId: string;
  readonly enterpriseId?: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** auth.test for the bot token. */
export function authTest(id: WorkspaceIdentity): JsonObject {
  return {
    ok: true,
    url: 'https://fake-workspace.slack.com/',
    team: 'Fake Workspace',
    user: 'openclaw',
    team_id: id.teamId,
    user_id: id.botUserId,
    bot_id: id.botId,
    is_enterprise_install: false,
    ...(id.enterpriseId ? { enterprise_id: id.enterpriseId } : {}),
  };
}

/** Slack's answer to a view it refuses: `invalid_arguments` with the json-pointer errors, also as messages. */
export function invalidArguments(errors: readonly string[]): JsonObject {
  return {
    ok: false,
    error: 'invalid_arguments',
    errors: [...errors],
    response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
  };
}

/** views.open: trigger_id once within 3 s, a valid modal, at most 250 kB. */
export function openView(args: JsonObject, store: SlackStore, triggers: TriggerIds, appId: string): JsonObject {
  const view = readObjectArg(args.view);
  if (!view) return invalidArguments(['missing view']);
  if (JSON.stringify(view).length > MAX_VIEW_BYTES) return { ok: false, error: 'view_too_large' };
  const errors = validateModalView(view);
  if (errors.length > 0) return invalidArguments(errors);
  const trigger = triggers.exchange(args.trigger_id);
  if (trigger !== 'ok') return { ok: false, error: trigger };
  const user = triggers.userOf(args.trigger_id);
  const opened: JsonObject = {
    ...view,
    id: `V${String(++store.viewsOpened).padStart(8, '0')}`,
    app_id: appId,
    state: { values: {} },
    hash: `${store.views.length + 1}.fake`,
    ...(user ? { user } : {}),
  };
  store.views.push(opened);
  return { ok: true, view: opened };
}

/** Views Slack keeps stacked in one modal: views.push beyond this fails with push_limit_reached. */
const VIEW_STACK_MAX = 3;

/**
 * views.push: like views.open, but only for a user who has a modal open (it stacks on top; at most three views).
 * The error for "no modal open" is not documented; the fake answers not_found (an assumption).
 */
export function pushView(args: JsonObject, store: SlackStore, triggers: TriggerIds, appId: string): JsonObject {
  const user = triggers.userOf(args.trigger_id);
  const open = store.views.filter((v) => v.type === 'modal' && user !== undefined && v.user === user);
  if (open.length === 0) return { ok: false, error: 'not_found' };
  if (open.length >= VIEW_STACK_MAX) return { ok: false, error: 'push_limit_reached' };
  return openView(args, store, triggers, appId);
}

/** views.update: by view_id, a valid modal, the current hash when one is given (else hash_conflict). */
export function updateView(args: JsonObject, store: SlackStore): JsonObject {
  const view = readObjectArg(args.view);
  if (!view) return invalidArguments(['missing view']);
  const index = store.views.findIndex((v) => v.id === args.view_id);
  const current = store.views[index];
  if (!current) return { ok: false, error: 'not_found' };
  if (args.hash !== undefined && args.hash !== current.hash) return { ok: false, error: 'hash_conflict' };
  if (JSON.stringify(view).length > MAX_VIEW_BYTES) return { ok: false, error: 'view_too_large' };
  const errors = validateModalView(view);
  if (errors.length > 0) return invalidArguments(errors);
  const version = Number.parseInt(String(current.hash), 10) + 1;
  const updated: JsonObject = {
    ...view,
    id: current.id,
    app_id: current.app_id,
    state: { values: {} },
    hash: `${version}.fake`,
    ...(current.user ? { user: current.user } : {}),
  };
  store.views[index] = updated;
  return { ok: true, view: updated };
}

/** usergroups.users.list from the configured groups. */
export function listUsergroupUsers(args: JsonObject, store: SlackStore): JsonObject {
  const users = store.usergroups.get(str(args.usergroup));
  return users ? { ok: true, users: [...users] } : { ok: false, error: 'no_such_subteam' };
}

/** conversations.info: public channels always, private ones and DMs only when the bot is a member. */
export function conversationInfo(args: JsonObject, store: SlackStore): JsonObject {
  const channel = store.channels.get(str(args.channel));
  if (!channel || (channel.isPrivate && !channel.isMember)) return { ok: false, error: 'channel_not_found' };
  return {
    ok: true,
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isPrivate && !channel.isIm,
      is_group: channel.isPrivate && !channel.isIm,
      is_im: channel.isIm,
      is_private: channel.isPrivate,
      is_member: channel.isMember,
      is_archived: false,
    },
  };
}
