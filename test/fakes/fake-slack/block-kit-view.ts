/** View validation (reference §1.1): modals (title/submit/close) and Home tabs, metadata lengths, 100 blocks. Pure. */
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

/**
 * Validates a `views.publish` Home tab (docs.slack.dev/reference/views/home-tab-views): type `home`, at most 100
 * blocks, private_metadata ≤ 3000, callback_id ≤ 255; a modal's title, submit and close have no place there.
 */
export function validateHomeView(view: unknown): string[] {
  const issues: Issues = [];
  if (!isRecord(view)) {
    report(issues, 'must be a view object', '/view');
    return issues;
  }
  if (view.type !== 'home') report(issues, 'must be home', '/view/type');
  for (const field of ['title', 'submit', 'close'] as const) {
    if (view[field] !== undefined) report(issues, `${field} is not allowed in a home view`, `/view/${field}`);
  }
  checkString(issues, view.private_metadata, '/view/private_metadata', { max: 3000 });
  checkString(issues, view.callback_id, '/view/callback_id', { max: 255 });
  checkString(issues, view.external_id, '/view/external_id', { max: 255 });
  issues.push(...validateBlocks(view.blocks, 'home', '/view/blocks'));
  return issues;
}
