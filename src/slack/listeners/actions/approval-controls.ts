import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { CommandDeps } from '../../../commands/command-context.js';
import { changeApprovalTime, revokeFromCard } from '../../../commands/handlers/approval-changes.js';
import { StorageUnavailableError } from '../../../errors.js';
import {
  type ApprovedValue,
  EXTEND_ACTION_PREFIX,
  PERMANENT_ACTION_ID,
  parseApprovedValue,
  REVOKE_ACTION_ID,
} from '../../blocks/approval-controls.js';
import { actionIdsStartingWith } from '../../blocks/decision-buttons.js';
import { STORAGE_UNAVAILABLE_MESSAGE } from '../../decision-notes.js';
import { escapeMrkdwn } from '../../escape.js';
import { respondReliably } from '../../respond-reliably.js';

/** Revoke, Extend and Make permanent on an approved node's card: ack, check and act, tell the clicker privately. */
export function register(app: App, deps: CommandDeps): void {
  const on = (id: string | RegExp, act: (value: ApprovedValue, userId: string) => Promise<string>) =>
    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action }) => {
      await ack();
      const value = parseApprovedValue(action.value ?? '');
      let note: string;
      if (!value) {
        await deps.audit.record({
          actor: body.user.id,
          action: action.action_id.slice(0, 64),
          target: 'unparsable button value',
          outcome: 'refused',
          detail: 'malformed or forged button value',
        });
        note = 'This button is not one of ours; nothing was done.';
      } else {
        try {
          note = await act(value, body.user.id);
        } catch (err) {
          if (!(err instanceof StorageUnavailableError)) throw err;
          deps.log.warn({ err }, `a ${action.action_id} click found the database unreachable`);
          note = STORAGE_UNAVAILABLE_MESSAGE;
        }
      }
      await respondReliably(
        body.response_url,
        { response_type: 'ephemeral', replace_original: false, text: escapeMrkdwn(note) },
        deps.log,
      );
    });
  on(REVOKE_ACTION_ID, (v, userId) => revokeFromCard(deps, { gateway: v.g, requestId: v.r }, userId));
  on(PERMANENT_ACTION_ID, (v, userId) => changeApprovalTime(deps, { gateway: v.g, requestId: v.r }, userId, undefined));
  // One Extend button per duration; a value without one is refused as malformed.
  on(actionIdsStartingWith(EXTEND_ACTION_PREFIX), (v, userId) =>
    v.d === undefined
      ? Promise.resolve('This button is not one of ours; nothing was done.')
      : changeApprovalTime(deps, { gateway: v.g, requestId: v.r }, userId, v.d),
  );
}
