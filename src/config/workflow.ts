/** The approval workflow's settings (issue 16): reasons, the two-person rule and time-bound approvals, all off by default. */
import { z } from 'zod/v4';

/** Which requests a rule applies to: none, the admin-sensitive ones, or every request. */
export type RuleScope = 'off' | 'admin' | 'all';

export interface WorkflowConfig {
  /** OPENCLAW_REQUIRE_REASON: Approve/Reject opens a modal asking why. */
  readonly requireReason: RuleScope;
  /** OPENCLAW_TWO_PERSON: the first approval is recorded, a second person's completes it. */
  readonly twoPerson: RuleScope;
  /** OPENCLAW_APPROVAL_DURATIONS in ms, in the order given: "Approve for …" choices (empty: off). */
  readonly durationsMs: readonly number[];
}

export const ruleScope = (what: string) =>
  z
    .enum(['off', 'admin', 'all'], { message: `use off, admin (admin-sensitive requests only) or all (${what})` })
    .default('off');

const UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** At most this many "Approve for …" choices (each is a button on the card). */
export const DURATIONS_MAX = 5;
const DURATION_MAX_MS = 365 * UNITS.d;

/** `30m,8h,24h` → milliseconds; empty → []. */
export const durations = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const items = (raw ?? '').split(/[\s,]+/).filter(Boolean);
    const out: number[] = [];
    for (const item of items) {
      const match = /^(\d{1,6})([smhd])$/.exec(item);
      const ms = match ? Number(match[1]) * UNITS[match[2] as keyof typeof UNITS] : 0;
      if (!match || ms < 10 * UNITS.s || ms > DURATION_MAX_MS) {
        ctx.addIssue({
          code: 'custom',
          message: `"${item}" is not a duration: use a number and a unit (s, m, h, d) from 10s to 365d, e.g. 30m,8h,24h`,
        });
      } else if (out.includes(ms)) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is listed twice` });
      } else out.push(ms);
    }
    if (out.length > DURATIONS_MAX)
      ctx.addIssue({ code: 'custom', message: `at most ${DURATIONS_MAX} durations (each is a button on the card)` });
    return out;
  });

/** "30 minutes", "8 hours", "1 day 12 hours": how a duration is named on buttons and in messages. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000);
  for (const [unit, seconds] of [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ] as const) {
    const n = Math.floor(rest / seconds);
    rest -= n * seconds;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.slice(0, 2).join(' ') || '0 seconds';
}

/** "30m", "8h", "1d": the short form for button labels. */
export function shortDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', UNITS.d],
    ['h', UNITS.h],
    ['m', UNITS.m],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1_000)}s`;
}
