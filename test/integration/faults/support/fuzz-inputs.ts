/** Seeded, reproducible hostile inputs: slash command texts and malformed gateway frames. */

/** mulberry32: a tiny seeded PRNG returning [0, 1). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Picker {
  readonly rng: () => number;
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function createPicker(seed: number): Picker {
  const rng = createRng(seed);
  return {
    rng,
    int: (max) => Math.floor(rng() * max),
    pick: (items) => items[Math.floor(rng() * items.length)] as (typeof items)[number],
    chance: (p) => rng() < p,
  };
}

/** Mentions and links a hostile user could type; none of these user ids is allowed to be mentioned by the bot. */
export const HOSTILE_TOKENS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!here|here>',
  '<@U0VICTIM01>',
  '<@W0VICTIM02|bob>',
  '<#C0SECRET01|secret>',
  '<!subteam^S0OPSTEAM|@ops>',
  '<https://evil.example|click me>',
  '<http://x|y>',
  '<https://x|y>',
  '<mailto:a@evil.example|mail>',
  '<!date^1700000000^{date}|fallback>',
  '&lt;!channel&gt;',
  '&amp;lt;!here&amp;gt;',
  '@here',
  '@channel',
  '@everyone',
  'https://evil.example/login',
  '```',
  '*bold* _it_ ~s~ `c`',
  '> quote',
  '<',
  '>',
  '&',
  '|',
  '\\',
  '"',
  "'",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template-injection probe, not a mistake
  '${process.env}',
  '{{7*7}}',
  '%s%n',
  '../../etc/passwd',
  '\u0000',
  '\u001b[31m',
  '\u202e',
  '\u2066',
  '\u200b',
  '\u2028',
  '\ud800',
  '\udfff',
  '🦀',
  '👩‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  'ＡＢＣ',
  'שלום',
  'مرحبا',
  '你好',
];

export const WORDS = [
  'nodes',
  'describe',
  'presence',
  'pending',
  'help',
  'invoke',
  'rename',
  'approve',
  'reject',
  'remove',
  'pair-request',
  'seed',
  '--share',
  '--timeout',
  '30s',
  'online',
  'offline',
  'alpha',
  'beta',
  'system.run',
  'system.which',
  'ollama.models',
  'browser.proxy',
];

const RANGES: readonly [number, number][] = [
  [0x20, 0x7e],
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0xa0, 0x2ff],
  [0x300, 0x36f],
  [0x590, 0x6ff],
  [0x2000, 0x206f],
  [0x3040, 0x30ff],
  [0x4e00, 0x4fff],
  [0xd800, 0xdfff],
  [0xfe00, 0xfe0f],
  [0xfff0, 0xffff],
  [0x1f300, 0x1faff],
  [0xe0000, 0xe007f],
];

/** Random code points from many scripts, control ranges, lone surrogates and astral planes. */
export function randomUnicode(p: Picker, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    const [lo, hi] = p.pick(RANGES);
    const cp = lo + p.int(hi - lo + 1);
    out += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return out;
}

function deepJson(p: Picker): string {
  const depth = p.pick([5, 19, 20, 21, 50, 1_000, 20_000]);
  const open = p.chance(0.5) ? '{"a":' : '[';
  const close = open === '[' ? ']' : '}';
  return `${open.repeat(depth)}1${p.chance(0.8) ? close.repeat(depth) : ''}`;
}

function randomJson(p: Picker): string {
  return p.pick([
    '{}',
    '{"bins":["ls"]}',
    '{"a":1,,}',
    '{"a":"\\ud800"}',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
    `{"x":"${'y'.repeat(p.int(5_000))}"}`,
    '[1,2,3]',
    'null',
    '1e999999',
    '{"a":-0}',
    '"\\u0000"',
    deepJson(p),
    `{"${p.pick(HOSTILE_TOKENS).replace(/["\\]/g, '')}":"${p.pick(HOSTILE_TOKENS).replace(/["\\]/g, '')}"}`,
  ]);
}

function randomArg(p: Picker): string {
  switch (p.int(6)) {
    case 0:
      return p.pick(WORDS);
    case 1:
      return p.pick(HOSTILE_TOKENS);
    case 2:
      return randomUnicode(p, 1 + p.int(40));
    case 3:
      return randomJson(p);
    case 4:
      return `req-${p.int(1_000_000)}`;
    default:
      return `"${randomUnicode(p, p.int(10))}"`;
  }
}

/** One slash command text: mostly subcommand words with random args, sometimes pure noise or 100 kB. */
export function randomCommandText(p: Picker): string {
  const roll = p.rng();
  if (roll < 0.01)
    return p
      .pick(['x', p.pick(HOSTILE_TOKENS), randomUnicode(p, 3)])
      .repeat(100_000)
      .slice(0, 100_000);
  if (roll < 0.02) return `invoke alpha ollama.models ${deepJson(p)}`;
  if (roll < 0.1) return randomUnicode(p, p.int(300));
  if (roll < 0.15) return p.pick(['', ' ', '\n', '\t', '\u00a0', '\u3000']);
  const parts = [p.chance(0.85) ? p.pick(WORDS.slice(0, 12)) : p.pick(HOSTILE_TOKENS)];
  const extra = p.int(7);
  for (let i = 0; i < extra; i += 1) parts.push(randomArg(p));
  const sep = () => (p.chance(0.9) ? ' ' : p.pick(['  ', '\t', '\n', '', '\u00a0', '\u3000']));
  return parts.reduce((text, part) => `${text}${sep()}${part}`);
}

/** A malformed or ill-typed gateway frame (never a well-formed state change). */
export function randomJunkFrame(p: Picker): string {
  const event = (name: string, payload: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ type: 'event', event: name, payload, ...extra });
  const pairing = (fields: Record<string, unknown>) =>
    event('node.pair.requested', { requestId: `junk-${p.int(1e9)}`, nodeId: 'junk-node', commands: [], ...fields });
  return p.pick([
    randomUnicode(p, 1 + p.int(200)),
    '',
    '{',
    '[]',
    'null',
    '"a string"',
    '42',
    '{"type":"event"}',
    '{"type":"event","event":{},"payload":1}',
    '{"type":"res","id":"no-such-request","ok":true,"payload":{}}',
    '{"type":"res","id":5,"ok":"yes"}',
    '{"type":"res","id":"x","ok":false,"error":{"code":5}}',
    '{"type":"hello-ok"}',
    '{"type":"req","id":"1","method":"node.pair.approve","params":{}}',
    '['.repeat(100_000),
    `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
    event('tick', { ts: 'yesterday' }, { seq: 1.5 }),
    event('tick', {}, { seq: -1 }),
    event('health', { ok: 'maybe' }),
    event('presence', { presence: 'everyone' }),
    event('presence', { presence: [{ host: {}, roles: 'admin' }] }),
    event('node.pair.requested', { requestId: 5, nodeId: 'n', displayName: 'five' }),
    event('node.pair.requested', { requestId: '', nodeId: 'n' }),
    event('node.pair.requested', { requestId: `junk-${p.int(1e9)}`, nodeId: 7 }),
    event('node.pair.requested', null),
    event('node.pair.requested', 'requestId'),
    pairing({ displayName: {} }),
    pairing({ displayName: ['<!channel>'], commands: 'system.run' }),
    pairing({ caps: null, commands: [1, 2, {}], requiredApproveScopes: 'operator.admin', ts: 'now' }),
    pairing({ displayName: p.pick(HOSTILE_TOKENS), platform: randomUnicode(p, 20), version: {} }),
    pairing({ displayName: 'x'.repeat(100_000), remoteIp: '<https://evil.example|1.2.3.4>' }),
    event('node.pair.resolved', { requestId: 7, decision: 'approved' }),
    event('node.pair.resolved', { requestId: 'no-such', decision: {} }),
    event('device.pair.requested', { requestId: [], deviceId: {} }),
    event('device.pair.resolved', { requestId: null }),
    event('node.runnerInventory.changed', { nodeId: { $ne: 1 } }),
    event('connect.challenge', { nonce: 5 }),
    event(randomUnicode(p, 10), randomUnicode(p, 10)),
  ]);
}
