/**
 * Injection detector (reference §7): finds mrkdwn that would notify people, link somewhere unexpected
 * or render markup the bot did not mean to send. plain_text objects are inert and are not scanned.
 */
import { isRecord } from './block-kit-checks.js';
import type { InjectionViolation } from './types.js';

/** What a test allows the bot to emit on purpose. */
export interface InjectionAllowList {
  readonly userIds?: readonly string[];
  readonly subteamIds?: readonly string[];
  /** A link token `<url|label>` is allowed when the url starts with one of these. */
  readonly linkPrefixes?: readonly string[];
}

type Kind = InjectionViolation['kind'];
export interface InjectionFinding {
  readonly kind: Kind;
  readonly token: string;
}

const TOKEN = /<([^<>]*)>/g;
const MASS = new Set(['!channel', '!here', '!everyone']);
const AUTO_PARSED_MASS = /(^|[^\w&])@(channel|here|everyone)\b/i;

function classifyToken(content: string, allow: InjectionAllowList): Kind | undefined {
  const head = content.split('|')[0] ?? '';
  if (MASS.has(head)) return 'mass_mention';
  if (head.startsWith('!subteam^')) {
    return allow.subteamIds?.includes(head.slice('!subteam^'.length)) ? undefined : 'group_mention';
  }
  if (head.startsWith('!date^') || head.startsWith('#')) return undefined;
  if (head.startsWith('@')) return allow.userIds?.includes(head.slice(1)) ? undefined : 'user_mention';
  if (/^(https?:|mailto:)/i.test(head)) {
    return allow.linkPrefixes?.some((p) => head.startsWith(p)) ? undefined : 'link';
  }
  return 'bare_angle_bracket';
}

/**
 * Scans one mrkdwn string. `autoParse` is true where Slack turns plain `@here` into a mention
 * (mrkdwn text objects without `verbatim:true`, top-level text with `link_names`).
 */
export function detectInjection(text: string, allow: InjectionAllowList, autoParse: boolean): InjectionFinding[] {
  const findings: InjectionFinding[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const kind = classifyToken(match[1] ?? '', allow);
    if (kind) findings.push({ kind, token: match[0] });
  }
  const rest = text.replace(TOKEN, '');
  const bare = /[<>]/.exec(rest);
  if (bare) findings.push({ kind: 'bare_angle_bracket', token: bare[0] });
  const auto = autoParse ? AUTO_PARSED_MASS.exec(text) : null;
  if (auto) findings.push({ kind: 'auto_parsed_mention', token: `@${auto[2]}` });
  return findings;
}

/** Scans a message body (top-level `text`, every mrkdwn/markdown text in `blocks`) and names each finding's location. */
export function scanMessageForInjection(
  body: Record<string, unknown>,
  allow: InjectionAllowList,
  source: string,
): InjectionViolation[] {
  const out: InjectionViolation[] = [];
  const add = (pointer: string, findings: InjectionFinding[]) => {
    for (const f of findings) out.push({ source, pointer, ...f });
  };
  const linkNames =
    body.link_names === true || body.link_names === 1 || body.link_names === '1' || body.link_names === 'true';
  if (linkNames) out.push({ source, pointer: '/link_names', kind: 'link_names', token: String(body.link_names) });
  if (typeof body.text === 'string') add('/text', detectInjection(body.text, allow, linkNames));
  const visit = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => {
        visit(n, `${pointer}/${i}`);
      });
      return;
    }
    if (!isRecord(node)) return;
    if ((node.type === 'mrkdwn' || node.type === 'markdown') && typeof node.text === 'string') {
      add(`${pointer}/text`, detectInjection(node.text, allow, node.type === 'mrkdwn' && node.verbatim !== true));
    }
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'object' && value !== null) visit(value, `${pointer}/${key}`);
    }
  };
  visit(body.blocks, '/blocks');
  return out;
}
