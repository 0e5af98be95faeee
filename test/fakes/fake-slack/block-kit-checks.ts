/** Primitive Block Kit checks that report Slack-shaped `... [json-pointer:/x/y]` errors. */

export type Issues = string[];

/** True for a plain (non-array) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Characters as Slack counts them (code points, not UTF-16 units). */
export function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Appends one error in Slack's shape. */
export function report(issues: Issues, message: string, pointer: string): void {
  issues.push(`${message} [json-pointer:${pointer}]`);
}

/** Checks an optional or required string field's presence and length. */
export function checkString(
  issues: Issues,
  value: unknown,
  pointer: string,
  limits: { readonly max: number; readonly min?: number; readonly required?: boolean },
): void {
  if (value === undefined) {
    if (limits.required) report(issues, 'missing required field', pointer);
    return;
  }
  if (typeof value !== 'string') {
    report(issues, 'must be a string', pointer);
    return;
  }
  const length = countChars(value);
  if (length < (limits.min ?? 0)) report(issues, `must be at least ${limits.min} characters`, pointer);
  if (length > limits.max) report(issues, `must be less than ${limits.max + 1} characters`, pointer);
}

/** Checks that an array field holds between min and max items; returns the array when it is one. */
export function checkArray(
  issues: Issues,
  value: unknown,
  pointer: string,
  limits: { readonly max: number; readonly min?: number; readonly required?: boolean },
): readonly unknown[] | undefined {
  if (value === undefined) {
    if (limits.required) report(issues, 'missing required field', pointer);
    return undefined;
  }
  if (!Array.isArray(value)) {
    report(issues, 'must be an array', pointer);
    return undefined;
  }
  if (value.length < (limits.min ?? 0)) report(issues, `must provide at least ${limits.min} items`, pointer);
  if (value.length > limits.max) report(issues, `no more than ${limits.max} items allowed`, pointer);
  return value;
}

export interface TextObjectRule {
  /** Longest allowed `text`. */
  readonly max: number;
  readonly plainOnly?: boolean;
  readonly required?: boolean;
}

/** Checks a composition text object: type, 1..max text, `emoji` only on plain_text, `verbatim` only on mrkdwn. */
export function checkTextObject(issues: Issues, value: unknown, pointer: string, rule: TextObjectRule): void {
  if (value === undefined) {
    if (rule.required) report(issues, 'missing required field', pointer);
    return;
  }
  if (!isRecord(value)) {
    report(issues, 'must be a text object', pointer);
    return;
  }
  const { type } = value;
  if (type !== 'plain_text' && type !== 'mrkdwn') {
    report(issues, 'must be one of plain_text, mrkdwn', `${pointer}/type`);
  } else if (rule.plainOnly && type !== 'plain_text') {
    report(issues, 'must be plain_text', `${pointer}/type`);
  }
  checkString(issues, value.text, `${pointer}/text`, { min: 1, max: rule.max, required: true });
  if (value.emoji !== undefined && (type !== 'plain_text' || typeof value.emoji !== 'boolean')) {
    report(issues, 'emoji is only allowed as a boolean on plain_text', `${pointer}/emoji`);
  }
  if (value.verbatim !== undefined && (type !== 'mrkdwn' || typeof value.verbatim !== 'boolean')) {
    report(issues, 'verbatim is only allowed as a boolean on mrkdwn', `${pointer}/verbatim`);
  }
}

/** Checks a style field: `primary`, `danger` or absent. */
export function checkStyle(issues: Issues, value: unknown, pointer: string): void {
  if (value !== undefined && value !== 'primary' && value !== 'danger') {
    report(issues, 'must be one of primary, danger', pointer);
  }
}
