/** Clicks inside modals and Home tabs: finding the element of a view and the block_actions payload Slack sends for it. */
import { isRecord } from './block-kit-checks.js';
import { findElement, type PayloadIdentity } from './payloads.js';
import type { SlackStore } from './store.js';
import type { JsonObject } from './types.js';

/** What to click in a modal: an element (by action_id) of the view with `viewId`. */
export interface ViewActionOptions {
  readonly viewId: string;
  readonly actionId: string;
  readonly blockId?: string;
  readonly userId?: string;
  readonly optionIndex?: number;
}

/** The open view and the element a click targets; throws when either does not exist. */
export function findViewClickTarget(
  store: SlackStore,
  opts: ViewActionOptions,
): { view: JsonObject; element: JsonObject; blockId: string } {
  const view = store.views.find((v) => v.id === opts.viewId);
  if (!view) throw new Error(`no open view ${opts.viewId}`);
  const blocks = Array.isArray(view.blocks) ? (view.blocks.filter(isRecord) as JsonObject[]) : [];
  const found = findElement(blocks, opts.actionId, opts.blockId);
  if (!found) throw new Error(`view ${opts.viewId} has no element with action_id ${opts.actionId}`);
  return { view, ...found };
}

/** The block_actions payload for a click in a modal or Home tab: `container.type` "view", the view, no response_url. */
export function buildViewActionsPayload(args: {
  readonly id: PayloadIdentity;
  readonly view: JsonObject;
  readonly element: JsonObject;
  readonly blockId: string;
  readonly userId: string;
  readonly actionTs: string;
  readonly triggerId: string;
  readonly optionIndex?: number | undefined;
}): JsonObject {
  const { id, view, element } = args;
  const { user: _owner, ...shown } = view;
  const options = Array.isArray(element.options) ? element.options.filter(isRecord) : [];
  const picked = args.optionIndex === undefined ? undefined : options[args.optionIndex];
  return {
    type: 'block_actions',
    user: { id: args.userId, username: 'fake.user', name: 'fake.user', team_id: id.teamId },
    api_app_id: id.appId,
    token: 'fake-deprecated-verification-token',
    container: { type: 'view', view_id: view.id },
    trigger_id: args.triggerId,
    team: { id: id.teamId, domain: 'fake-workspace', ...(id.enterpriseId ? { enterprise_id: id.enterpriseId } : {}) },
    enterprise: id.enterpriseId ? { id: id.enterpriseId, name: 'Fake Enterprise' } : null,
    is_enterprise_install: false,
    view: { ...shown, team_id: id.teamId, type: view.type === 'home' ? 'home' : 'modal' },
    actions: [
      {
        type: element.type,
        action_id: element.action_id,
        block_id: args.blockId,
        ...(element.text !== undefined ? { text: element.text } : {}),
        ...(element.value !== undefined ? { value: element.value } : {}),
        ...(picked ? { selected_option: { text: picked.text, value: picked.value } } : {}),
        action_ts: args.actionTs,
      },
    ],
  };
}
