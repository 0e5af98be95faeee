import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NEEDED_BOT_SCOPES, OPTIONAL_BOT_SCOPES } from '../../src/doctor/run-doctor.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
/** Slack's published schema, vendored with its license (test/fixtures/README.md): tests need nothing beside the clone. */
const schemaPath = path.resolve(here, '../fixtures/slack/manifest.schema.json');

/**
 * Every Web API method the bot may call → the bot scopes it needs (empty: none).
 * A method missing here fails the test: add it with the scopes from its docs.slack.dev page.
 */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.getPermalink': [],
  'usergroups.users.list': ['usergroups:read'],
  'files.uploadV2': ['files:write'],
  // The pairing channel (C… or G…) may be public or private: channels:read and groups:read respectively.
  'conversations.info': ['channels:read', 'groups:read'],
  // Reading the pairing channel back (public or private) to never post a card or reply twice.
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  // A DM with the caller, for the full output of an ephemeral invoke answer.
  'conversations.open': ['im:write'],
  'views.open': [],
  'views.update': [],
  'views.push': [],
  // The Home tab (needs features.app_home.home_tab_enabled, checked below).
  'views.publish': [],
};

/** Scopes no Web API call needs but the manifest must grant anyway. */
const SCOPES_WITHOUT_CALLS: Readonly<Record<string, string>> = { commands: 'owns the /openclaw slash command' };

const API_GROUPS = [
  'admin',
  'apps',
  'assistant',
  'auth',
  'bookmarks',
  'bots',
  'calls',
  'canvases',
  'chat',
  'conversations',
  'dialog',
  'dnd',
  'emoji',
  'files',
  'functions',
  'oauth',
  'openid',
  'pins',
  'reactions',
  'reminders',
  'search',
  'stars',
  'team',
  'usergroups',
  'users',
  'views',
  'workflows',
];
/** `receiver.group.method(`; counted when the receiver is a `…client` or the method is a known one. */
const CHAIN_CALL = new RegExp(
  `(?:([A-Za-z_$][\\w$]*)\\s*\\.\\s*)?(?<![\\w$])(${API_GROUPS.join('|')})((?:\\s*\\.\\s*[A-Za-z]\\w*)+)\\s*\\(`,
  'g',
);
const API_CALL = /\.apiCall\(\s*['"`]([\w.]+)['"`]/g;
/** Bolt's `say()` posts with chat.postMessage (respond() uses response_url and needs no scope). */
const SAY_CALL = /(?<![\w$.])say\s*\(/g;

interface FoundCall {
  method: string;
  where: string;
}

/** Blanks out comments (keeping line numbers) so prose such as "checks auth.test()" is not counted. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' ')).replace(/^(\s*)\/\/.*$/gm, '$1');
}

/** Finds Web API calls (`client.chat.postMessage(`, `.apiCall('x.y'`, `say(`) in one source text. */
function findApiCalls(source: string, file: string): FoundCall[] {
  const text = stripComments(source);
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const found: FoundCall[] = [];
  for (const m of text.matchAll(CHAIN_CALL)) {
    const method = `${m[2]}${(m[3] ?? '').replace(/\s+/g, '')}`;
    // `store.files.push(` is not a Web API call; `client.users.info(` is, even before the table knows it.
    if (/client$/i.test(m[1] ?? '') || method in METHOD_SCOPES) {
      found.push({ method, where: `${file}:${lineOf(m.index ?? 0)}` });
    }
  }
  for (const m of text.matchAll(API_CALL)) found.push({ method: m[1] ?? '', where: `${file}:${lineOf(m.index ?? 0)}` });
  for (const m of text.matchAll(SAY_CALL))
    found.push({ method: 'chat.postMessage', where: `${file}:${lineOf(m.index ?? 0)}` });
  return found;
}

function sourceFiles(): { file: string; text: string }[] {
  const srcDir = path.join(root, 'src');
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files.map((f) => ({ file: `src/${f}`, text: stripComments(readFileSync(path.join(srcDir, f), 'utf8')) }));
}

function scanSources(): FoundCall[] {
  return sourceFiles().flatMap(({ file, text }) => findApiCalls(text, file));
}

/** Events src/ listens to with Bolt's `app.event('name', …)`. */
function listenedEvents(): string[] {
  return sourceFiles().flatMap(({ text }) =>
    [...text.matchAll(/\.event\(\s*['"`]([\w.]+)['"`]/g)].map((m) => m[1] ?? ''),
  );
}

interface Manifest {
  _metadata?: { major_version?: number };
  display_information: { name: string; description?: string };
  features?: {
    bot_user?: { display_name: string };
    slash_commands?: { command: string; should_escape?: boolean; url?: string }[];
    app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean; messages_tab_read_only_enabled?: boolean };
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    socket_mode_enabled?: boolean;
    interactivity?: { is_enabled: boolean };
    event_subscriptions?: { bot_events?: string[]; request_url?: string };
  };
}

const manifest = parse(readFileSync(path.join(root, 'manifest.yml'), 'utf8')) as Manifest;
const botScopes = manifest.oauth_config?.scopes?.bot ?? [];

describe('findApiCalls', () => {
  it('finds chained, multi-line, apiCall and say() calls and skips comments', () => {
    const source = [
      '// client.files.uploadV2({}) in a comment',
      '/* client.views.open({}) */',
      'await this.options.client.chat.postMessage({ channel });',
      'await client.usergroups',
      '  .users.list({ usergroup });',
      "await client.apiCall('conversations.info', {});",
      'await say({ text });',
      'const ok = auth.team_id; config.slack.apiUrl(); mychat.update(); store.files.push(f);',
      'await web.views.open({}); await app.client.users.info({ user });',
    ].join('\n');
    expect(findApiCalls(source, 'x.ts').map((c) => `${c.where} ${c.method}`)).toEqual([
      'x.ts:3 chat.postMessage',
      'x.ts:4 usergroups.users.list',
      'x.ts:9 views.open',
      'x.ts:9 users.info',
      'x.ts:6 conversations.info',
      'x.ts:7 chat.postMessage',
    ]);
  });
});

describe('manifest.yml', () => {
  it("validates against Slack's manifest JSON Schema", () => {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
    // The schema uses `format: uri` and a non-standard `regex` keyword; ajv-formats is not installed.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
    expect(manifest._metadata?.major_version).toBe(1);
  });

  it('runs in Socket Mode with interactivity and the /openclaw command', () => {
    expect(manifest.display_information.name).toBe('OpenClaw');
    expect(manifest.features?.bot_user?.display_name).toBe('openclaw');
    expect(manifest.settings?.socket_mode_enabled).toBe(true);
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
    const commands = manifest.features?.slash_commands ?? [];
    expect(commands.map((c) => c.command)).toEqual(['/openclaw']);
    expect(commands[0]).toMatchObject({ should_escape: false });
    expect(commands[0]).not.toHaveProperty('url');
  });

  it('subscribes to exactly the events src/ listens to, and has the Home tab views.publish fills', () => {
    const events = listenedEvents();
    expect(events).toContain('app_home_opened');
    expect([...(manifest.settings?.event_subscriptions?.bot_events ?? [])].sort()).toEqual([...new Set(events)].sort());
    expect(scanSources().map((c) => c.method)).toContain('views.publish');
    expect(manifest.features?.app_home?.home_tab_enabled).toBe(true);
    // The Home decision DM is readable; people cannot write to the bot there (it reads no messages).
    expect(manifest.features?.app_home?.messages_tab_enabled).toBe(true);
    expect(manifest.features?.app_home?.messages_tab_read_only_enabled).toBe(true);
  });

  describe('scopes', () => {
    const calls = scanSources();

    it('knows the scope of every Web API method src/ calls', () => {
      const unknown = calls.filter((c) => !(c.method in METHOD_SCOPES)).map((c) => `${c.method} (${c.where})`);
      expect(unknown, 'add these methods and their bot scope to METHOD_SCOPES in test/unit/manifest.test.ts').toEqual(
        [],
      );
      expect(calls.map((c) => c.method)).toContain('auth.test');
    });

    it('grants the scope of every method src/ calls, except the optional history scopes', () => {
      const optional: readonly string[] = OPTIONAL_BOT_SCOPES;
      const missing = calls.flatMap((c) =>
        (METHOD_SCOPES[c.method] ?? [])
          .filter((scope) => !botScopes.includes(scope) && !optional.includes(scope))
          .map((scope) => `${scope} for ${c.method} (${c.where})`),
      );
      expect(missing, 'add these scopes to oauth_config.scopes.bot in manifest.yml').toEqual([]);
    });

    it('grants no scope the code does not use', () => {
      const used = new Set(calls.flatMap((c) => METHOD_SCOPES[c.method] ?? []));
      const unused = botScopes.filter((s) => !used.has(s) && !(s in SCOPES_WITHOUT_CALLS));
      expect(unused, 'remove these scopes from manifest.yml: no call in src/ needs them').toEqual([]);
      expect(botScopes).toEqual(expect.arrayContaining(Object.keys(SCOPES_WITHOUT_CALLS)));
      expect(new Set(botScopes).size).toBe(botScopes.length);
    });

    it('leaves out the history scopes (least privilege): the bot works without reading whole channels', () => {
      for (const scope of OPTIONAL_BOT_SCOPES) expect(botScopes).not.toContain(scope);
    });

    it('grants exactly the scopes `doctor` checks for', () => {
      expect([...botScopes].sort()).toEqual([...NEEDED_BOT_SCOPES].sort());
    });
  });
});
