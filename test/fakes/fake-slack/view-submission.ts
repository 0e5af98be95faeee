/**
 * Submitting and closing modals as Slack's client does: a view_submission carries the values of the view's input
 * blocks (only those, each within its element's min/max length, required ones filled: the client refuses otherwise),
 * and an ack without `response_action: "errors"` closes the modal. Closing with Cancel sends nothing unless the view
 * asked for `notify_on_close` (then a view_closed).
 */
import { isRecord } from './block-kit-checks.js';
import type { PayloadIdentity } from './payloads.js';
import type { SlackStore } from './store.js';
import type { JsonObject } from './types.js';

/** What a user types into a modal: `values[blockId][actionId]` is the text of that plain_text_input. */
export interface ViewSubmitOptions {
  readonly viewId: string;
  readonly userId: string;
  readonly values: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The open modal `viewId` of `userId`; throws as Slack's client would not let anyone else submit it. */
export function openModalOf(store: SlackStore, viewId: string, userId: string): JsonObject {
  const view = store.views.find((v) => v.id === viewId);
  if (!view) throw new Error(`no open view ${viewId}`);
  if (view.type !== 'modal') throw new Error(`view ${viewId} is a ${String(view.type)}, not a modal`);
  if (view.user !== undefined && view.user !== userId)
    throw new Error(`view ${viewId} is open for ${String(view.user)}, not ${userId}`);
  return view;
}

/** The view's state as the client sends it; throws for a value the client would not allow. */
export function submittedState(view: JsonObject, values: ViewSubmitOptions['values']): JsonObject {
  if (!isRecord(view.submit)) throw new Error(`view ${String(view.id)} has no submit button`);
  const inputs = (Array.isArray(view.blocks) ? view.blocks : []).filter(
    (b): b is JsonObject => isRecord(b) && b.type === 'input',
  );
  const state: Record<string, Record<string, JsonObject>> = {};
  for (const [blockId, byAction] of Object.entries(values)) {
    const block = inputs.find((b) => b.block_id === blockId);
    if (!block || !isRecord(block.element)) throw new Error(`view ${String(view.id)} has no input block ${blockId}`);
    for (const [actionId, value] of Object.entries(byAction)) {
      const element = block.element;
      if (element.action_id !== actionId || element.type !== 'plain_text_input')
        throw new Error(`input block ${blockId} has no plain_text_input ${actionId}`);
      const max = typeof element.max_length === 'number' ? element.max_length : 3000;
      const min = typeof element.min_length === 'number' ? element.min_length : 0;
      if (value.length > max || value.length < min)
        throw new Error(`the client refuses ${value.length} characters in ${blockId} (allowed ${min}–${max})`);
      state[blockId] = { ...state[blockId], [actionId]: { type: 'plain_text_input', value } };
    }
  }
  for (const block of inputs) {
    const typed = Object.values(state[String(block.block_id)] ?? {}).some((v) => String(v.value ?? '') !== '');
    if (block.optional !== true && !typed)
      throw new Error(`the client refuses to submit: required input ${String(block.block_id)} is empty`);
  }
  return { values: state };
}

/** The view_submission payload for `view` with `state`. */
export function buildViewSubmissionPayload(args: {
  readonly id: PayloadIdentity;
  readonly view: JsonObject;
  readonly state: JsonObject;
  readonly userId: string;
  readonly triggerId: string;
}): JsonObject {
  const { id, view } = args;
  const { user: _owner, ...shown } = view;
  return {
    type: 'view_submission',
    team: { id: id.teamId, domain: 'fake-workspace', ...(id.enterpriseId ? { enterprise_id: id.enterpriseId } : {}) },
    user: { id: args.userId, username: 'fake.user', name: 'fake.user', team_id: id.teamId },
    api_app_id: id.appId,
    token: 'fake-deprecated-verification-token',
    trigger_id: args.triggerId,
    view: { ...shown, team_id: id.teamId, state: args.state },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: id.enterpriseId ? { id: id.enterpriseId, name: 'Fake Enterprise' } : null,
  };
}

/** The view_closed payload Slack sends on Cancel when the view set notify_on_close. */
export function buildViewClosedPayload(id: PayloadIdentity, view: JsonObject, userId: string): JsonObject {
  const { user: _owner, ...shown } = view;
  return {
    type: 'view_closed',
    team: { id: id.teamId, domain: 'fake-workspace' },
    user: { id: userId, username: 'fake.user', name: 'fake.user', team_id: id.teamId },
    api_app_id: id.appId,
    view: { ...shown, team_id: id.teamId },
    is_cleared: false,
    is_enterprise_install: false,
  };
}

/** Closes the modal (after a submission acked without errors, or Cancel). */
export function closeModal(store: SlackStore, viewId: string): void {
  const index = store.views.findIndex((v) => v.id === viewId);
  if (index >= 0) store.views.splice(index, 1);
}
