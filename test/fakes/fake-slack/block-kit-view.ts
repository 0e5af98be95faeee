/** Modal view validation (reference §1.1): title/submit/close, metadata lengths, 100 blocks. Pure. */
import { checkString, checkTextObject, type Issues, isRecord, report } from './block-kit-checks.js';
import { validateBlocks } from './block-kit-validator.js';

/** Largest serialised view Slack accepts before `view_too_large`. */
export const MAX_VIEW_BYTES = 250_000;

/** Validates a `views.open` modal; returns json-pointer errors rooted at `/view`. */
export function validateModalView(view: unknown): string[] {
  const issues: Issues = [];
  if (!isRecord(view)) {
    report(issues, 'must be a view object', '/view');
    return issues;
  }
  if (view.type !== 'modal') report(issues, 'must be modal', '/view/type');
  checkTextObject(issues, view.title, '/view/title', { max: 24, plainOnly: true, required: true });
  checkTextObject(issues, view.close, '/view/close', { max: 24, plainOnly: true });
  checkTextObject(issues, view.submit, '/view/submit', { max: 24, plainOnly: true });
  checkString(issues, view.private_metadata, '/view/private_metadata', { max: 3000 });
  checkString(issues, view.callback_id, '/view/callback_id', { max: 255 });
  checkString(issues, view.external_id, '/view/external_id', { max: 255 });
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isRecord(b) && b.type === 'input');
  if (hasInput && view.submit === undefined) {
    report(issues, 'submit is required when the view has input blocks', '/view/submit');
  }
  issues.push(...validateBlocks(view.blocks, 'modal', '/view/blocks'));
  return issues;
}
