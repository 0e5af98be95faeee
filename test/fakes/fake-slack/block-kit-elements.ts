/** Block elements and composition objects (button, selects, confirm, option): the §1.2 limits. */
import {
  checkArray,
  checkString,
  checkStyle,
  checkTextObject,
  type Issues,
  isRecord,
  report,
} from './block-kit-checks.js';

const SELECT_KINDS = ['static', 'external', 'users', 'conversations', 'channels'];
const SELECTS = SELECT_KINDS.flatMap((k) => [`${k}_select`, `multi_${k}_select`]);
const PICKERS = ['datepicker', 'timepicker', 'datetimepicker', 'checkboxes', 'radio_buttons'];

/** Element types an `actions` block accepts. */
export const ACTIONS_ELEMENTS: ReadonlySet<string> = new Set([
  'button',
  'overflow',
  'workflow_button',
  ...SELECTS,
  ...PICKERS,
]);
/** Element types a section `accessory` accepts. */
export const ACCESSORY_ELEMENTS: ReadonlySet<string> = new Set([...ACTIONS_ELEMENTS, 'image']);
/** Element types an `input` block accepts. */
export const INPUT_ELEMENTS: ReadonlySet<string> = new Set([
  ...SELECTS,
  ...PICKERS,
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
  'file_input',
]);

/** Checks a confirm dialog object: title ≤100, text ≤300, confirm/deny ≤30, style. */
export function checkConfirm(issues: Issues, value: unknown, pointer: string): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    report(issues, 'must be a confirm object', pointer);
    return;
  }
  checkTextObject(issues, value.title, `${pointer}/title`, { max: 100, plainOnly: true, required: true });
  // mrkdwn `text` appears in older examples and may still be accepted (reference §1.2, UNCONFIRMED).
  checkTextObject(issues, value.text, `${pointer}/text`, { max: 300, required: true });
  checkTextObject(issues, value.confirm, `${pointer}/confirm`, { max: 30, plainOnly: true, required: true });
  checkTextObject(issues, value.deny, `${pointer}/deny`, { max: 30, plainOnly: true, required: true });
  checkStyle(issues, value.style, `${pointer}/style`);
}

/** Checks an option object: text ≤75, value ≤150, description ≤75. */
export function checkOption(issues: Issues, value: unknown, pointer: string, plainOnly: boolean): void {
  if (!isRecord(value)) {
    report(issues, 'must be an option object', pointer);
    return;
  }
  checkTextObject(issues, value.text, `${pointer}/text`, { max: 75, plainOnly, required: true });
  checkString(issues, value.value, `${pointer}/value`, { min: 1, max: 150, required: true });
  checkTextObject(issues, value.description, `${pointer}/description`, { max: 75, plainOnly });
  checkString(issues, value.url, `${pointer}/url`, { max: 3000 });
}

function checkOptions(issues: Issues, value: unknown, pointer: string, max: number, plainOnly: boolean): void {
  const options = checkArray(issues, value, pointer, { min: 1, max });
  options?.forEach((o, i) => {
    checkOption(issues, o, `${pointer}/${i}`, plainOnly);
  });
}

function checkButton(issues: Issues, el: Record<string, unknown>, pointer: string): void {
  checkTextObject(issues, el.text, `${pointer}/text`, { max: 75, plainOnly: true, required: true });
  checkString(issues, el.value, `${pointer}/value`, { max: 2000 });
  checkString(issues, el.url, `${pointer}/url`, { max: 3000 });
  checkString(issues, el.accessibility_label, `${pointer}/accessibility_label`, { min: 1, max: 75 });
  checkStyle(issues, el.style, `${pointer}/style`);
}

function checkImageElement(issues: Issues, el: Record<string, unknown>, pointer: string): void {
  if (el.image_url === undefined && el.slack_file === undefined) {
    report(issues, 'missing required field: image_url or slack_file', pointer);
  }
  checkString(issues, el.image_url, `${pointer}/image_url`, { min: 1, max: 3000 });
  checkString(issues, el.alt_text, `${pointer}/alt_text`, { min: 1, max: 2000, required: true });
}

function checkSelectLike(issues: Issues, el: Record<string, unknown>, pointer: string, type: string): void {
  checkTextObject(issues, el.placeholder, `${pointer}/placeholder`, { max: 150, plainOnly: true });
  if (type === 'static_select' || type === 'multi_static_select') {
    if (el.options === undefined && el.option_groups === undefined) {
      report(issues, 'missing required field: options or option_groups', pointer);
    }
    if (el.options !== undefined) checkOptions(issues, el.options, `${pointer}/options`, 100, true);
    const groups = checkArray(issues, el.option_groups, `${pointer}/option_groups`, { min: 1, max: 100 });
    groups?.forEach((g, i) => {
      const gp = `${pointer}/option_groups/${i}`;
      if (!isRecord(g)) {
        report(issues, 'must be an option group', gp);
        return;
      }
      checkTextObject(issues, g.label, `${gp}/label`, { max: 75, plainOnly: true, required: true });
      checkOptions(issues, g.options, `${gp}/options`, 100, true);
    });
  }
  if (type === 'overflow') checkOptions(issues, el.options, `${pointer}/options`, 5, true);
  if (type === 'checkboxes' || type === 'radio_buttons') {
    checkOptions(issues, el.options, `${pointer}/options`, 10, false);
  }
  if (type === 'plain_text_input') {
    if (el.max_length !== undefined && (typeof el.max_length !== 'number' || el.max_length > 3000)) {
      report(issues, 'must be a number no greater than 3000', `${pointer}/max_length`);
    }
  }
}

/**
 * Checks one element against its type's limits. Records its action_id in `actionIds` and reports
 * a duplicate within the same block.
 */
export function checkElement(
  issues: Issues,
  el: unknown,
  pointer: string,
  allowed: ReadonlySet<string>,
  actionIds: Set<string>,
): void {
  if (!isRecord(el)) {
    report(issues, 'must be an element object', pointer);
    return;
  }
  const type = typeof el.type === 'string' ? el.type : '';
  if (!allowed.has(type)) {
    report(issues, `failed to match all allowed schemas (element type "${type}" not allowed here)`, `${pointer}/type`);
    return;
  }
  if (type === 'image') {
    checkImageElement(issues, el, pointer);
    return;
  }
  checkString(issues, el.action_id, `${pointer}/action_id`, { min: 1, max: 255 });
  if (typeof el.action_id === 'string') {
    if (actionIds.has(el.action_id)) report(issues, 'duplicate action_id in block', `${pointer}/action_id`);
    actionIds.add(el.action_id);
  }
  checkConfirm(issues, el.confirm, `${pointer}/confirm`);
  if (type === 'button') checkButton(issues, el, pointer);
  else if (type !== 'workflow_button') checkSelectLike(issues, el, pointer, type);
  else checkTextObject(issues, el.text, `${pointer}/text`, { max: 75, plainOnly: true, required: true });
}
