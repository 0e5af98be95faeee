/** The reminder posted under a card that is still waiting for a decision. */
import { REMINDERS_MAX } from '../../pairing/reminders.js';
import type { RequestRecord } from '../../pairing/types.js';
import { mentionUser, truncate } from '../escape.js';
import { blockId, FALLBACK_MAX, type RenderedMessage, section, versionSuffix } from './block-kit.js';

const NAMED_MAX = 20;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;

/** `<@U…>` for user ids, `<!subteam^S…>` for user groups; anything else is left out (it could not be validated). */
function mention(principal: string): string | undefined {
  if (GROUP_ID.test(principal)) return `<!subteam^${principal}>`;
  const user = mentionUser(principal);
  return user.startsWith('<@') ? user : undefined;
}

/** "⏰ Still waiting for a decision (reminder 2 of 3): @a, @ops can decide it." */
export function renderReminder(record: RequestRecord, n: number, deciders: readonly string[]): RenderedMessage {
  const named = deciders.map(mention).filter((m): m is string => m !== undefined);
  const who =
    named.length > 0
      ? `${named.slice(0, NAMED_MAX).join(', ')}${named.length > NAMED_MAX ? ` and ${named.length - NAMED_MAX} more` : ''} can decide it on the card above`
      : 'nobody here may decide it yet (see the card)';
  const waiting = record.kind === 'exec' ? 'This command is still waiting' : 'This request is still waiting';
  const line = truncate(`⏰ ${waiting} for a decision (reminder ${n} of ${REMINDERS_MAX}): ${who}.`, FALLBACK_MAX);
  return { text: line, blocks: [section(blockId('remind', versionSuffix([record])), line)] };
}
