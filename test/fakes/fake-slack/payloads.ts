/** Builds slash-command and block_actions payloads as Slack sends them (reference §2, §3). */
import { isRecord } from './block-kit-checks.js';
import type { SlackStore } from './store.js';
import type { EphemeralMessage, JsonObject, StoredMessage } from './types.js';

/** What to click: an element (by action_id) of a message the app posted, or of an ephemeral one. */
export interface ActionOptions {
  readonly channel: string;
  readonly messageTs: string;
  readonly actionId: string;
  readonly blockId?: string;
  readonly userId?: string;
  /** For menus (overflow, static_select): which option is picked. Required for them, refused for buttons. */
  readonly optionIndex?: number;
}

/** Slash-command fields a test may set; the rest get defaults. Snake case, as on the wire. */
export interface CommandFields {
  readonly text: string;
  readonly command?: string;
  readonly user_id?: string;
  readonly user_name?: string;
  readonly channel_id?: string;
  readonly channel_name?: string;
  readonly team_id?: string;
}

export interface PayloadIdentity {
  readonly teamId: string;
  readonly enterpriseId?: string;
  readonly appId: string;
}

export const DEFAULT_USER_ID = 'U0FAKEUSER';
export const DEFAULT_CHANNEL_ID = 'C0FAKECHAN';
const VERIFICATION_TOKEN = 'fake-deprecated-verification-token';

/** The slash-command payload: every value a string, as in the form body. */
export function buildCommandPayload(
  fields: CommandFields,
  id: PayloadIdentity,
  responseUrl: string,
  triggerId: string,
): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: fields.team_id ?? id.teamId,
    team_domain: 'fake-workspace',
    ...(id.enterpriseId ? { enterprise_id: id.enterpriseId, enterprise_name: 'Fake Enterprise' } : {}),
    channel_id: fields.channel_id ?? DEFAULT_CHANNEL_ID,
    channel_name: fields.channel_name ?? (fields.channel_id ?? DEFAULT_CHANNEL_ID).toLowerCase(),
    user_id: fields.user_id ?? DEFAULT_USER_ID,
    user_name: fields.user_name ?? 'fake.user',
    command: fields.command ?? '/openclaw',
    text: fields.text,
    api_app_id: id.appId,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId,
  };
}

/** Finds the interactive element with `actionId` (and `blockId` when given) in a message's blocks. */
export function findElement(
  blocks: readonly JsonObject[] | undefined,
  actionId: string,
  blockId?: string,
): { element: JsonObject; blockId: string } | undefined {
  for (const [i, block] of (blocks ?? []).entries()) {
    const id = typeof block.block_id === 'string' ? block.block_id : `fake-block-${i}`;
    if (blockId !== undefined && id !== blockId) continue;
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    const element = candidates.find((el): el is JsonObject => isRecord(el) && el.action_id === actionId);
    if (element) return { element, blockId: id };
  }
  return undefined;
}

export interface ActionSource {
  readonly message: StoredMessage | EphemeralMessage;
  readonly ephemeral: boolean;
}

/** The message and element a click targets; throws when the message or the element does not exist. */
export function findClickTarget(
  store: SlackStore,
  opts: ActionOptions,
): { source: ActionSource; element: JsonObject; blockId: string } {
  const stored = store.findMessage(opts.channel, opts.messageTs);
  const ephemeral = stored ? undefined : store.findEphemeral(opts.channel, opts.messageTs);
  const message = stored ?? (ephemeral?.deleted ? undefined : ephemeral);
  if (!message) throw new Error(`no message ${opts.messageTs} in ${opts.channel}`);
  const found = findElement(message.blocks, opts.actionId, opts.blockId);
  if (!found) throw new Error(`message ${opts.messageTs} has no element with action_id ${opts.actionId}`);
  return { source: { message, ephemeral: !stored }, ...found };
}

/** A block_actions payload for a click on `element` in the source message. */
export function buildBlockActionsPayload(args: {
  readonly id: PayloadIdentity;
  readonly source: ActionSource;
  readonly element: JsonObject;
  readonly blockId: string;
  readonly userId: string;
  readonly actionTs: string;
  readonly responseUrl: string;
  readonly triggerId: string;
  readonly optionIndex?: number | undefined;
}): JsonObject {
  const { id, source, element } = args;
  const selected = selectedOption(element, args.optionIndex);
  const m = source.message;
  return {
    type: 'block_actions',
    user: { id: args.userId, username: 'fake.user', name: 'fake.user', team_id: id.teamId },
    api_app_id: id.appId,
    token: VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: m.ts,
      channel_id: m.channel,
      is_ephemeral: source.ephemeral,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    },
    trigger_id: args.triggerId,
    team: { id: id.teamId, domain: 'fake-workspace', ...(id.enterpriseId ? { enterprise_id: id.enterpriseId } : {}) },
    enterprise: id.enterpriseId ? { id: id.enterpriseId, name: 'Fake Enterprise' } : null,
    is_enterprise_install: false,
    channel: { id: m.channel, name: m.channel.toLowerCase() },
    // Whether Slack includes `message` for ephemeral sources is unconfirmed: omit it so the bot cannot rely on it.
    ...(source.ephemeral
      ? {}
      : { message: { type: 'message', user: m.user, ts: m.ts, text: m.text, blocks: m.blocks ?? [] } }),
    state: { values: {} },
    response_url: args.responseUrl,
    actions: [
      {
        type: element.type,
        action_id: element.action_id,
        block_id: args.blockId,
        ...(element.text !== undefined ? { text: element.text } : {}),
        ...(element.value !== undefined ? { value: element.value } : {}),
        ...(element.style !== undefined ? { style: element.style } : {}),
        ...(selected ? { selected_option: selected } : {}),
        action_ts: args.actionTs,
      },
    ],
  };
}

/** The option a menu click picks, as Slack sends it; throws when the click does not fit the element. */
function selectedOption(element: JsonObject, index: number | undefined): JsonObject | undefined {
  const isMenu = element.type === 'overflow' || element.type === 'static_select';
  if (!isMenu) {
    if (index !== undefined) throw new Error(`a ${String(element.type)} has no options to pick`);
    return undefined;
  }
  const options = Array.isArray(element.options) ? element.options : [];
  if (index === undefined) throw new Error(`clicking a ${String(element.type)} needs optionIndex`);
  const option = options[index];
  if (!isRecord(option)) throw new Error(`${String(element.type)} has no option ${index}`);
  return { text: option.text, value: option.value };
}
