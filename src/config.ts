import path from 'node:path';
import { z } from 'zod/v4';
import { type GatewayConfig, gatewayVariables, parseGatewayList } from './config/gateways.js';
import { durations, ruleScope, type WorkflowConfig } from './config/workflow.js';
import { ConfigError } from './errors.js';

export type { GatewayConfig } from './config/gateways.js';

/** Scopes the bot asks for by default: read for queries, write for invoke, pairing and admin for approvals. */
export const DEFAULT_OPERATOR_SCOPES = [
  'operator.read',
  'operator.write',
  'operator.pairing',
  'operator.admin',
] as const;

const SLACK_PRINCIPAL = /^[UWS][A-Z0-9]{2,}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const list = (hint: string, pattern?: RegExp) =>
  z
    .string()
    .optional()
    .transform((raw) => (raw ?? '').split(/[\s,]+/).filter(Boolean))
    .superRefine((items, ctx) => {
      for (const item of pattern ? items : []) {
        if (!pattern?.test(item)) ctx.addIssue({ code: 'custom', message: `"${item}" is not valid: ${hint}` });
      }
    });

function isPostgresUrl(value: string): boolean {
  if (!/^postgres(ql)?:\/\//.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'use true or false' })
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'required: the Bot User OAuth Token (xoxb-…) from OAuth & Permissions'
          : 'must be text',
    })
    .startsWith('xoxb-', 'must be a bot token starting with xoxb-'),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, 'looks too short; copy it from Basic Information').optional(),
  SLACK_API_URL: z.string().url('must be a URL such as https://slack.com/api/').default('https://slack.com/api/'),
  PORT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 to 65535')
    .max(65535, 'must be 0 to 65535')
    .default(3000),
  OPENCLAW_GATEWAY_URL: z
    .string()
    .url('must be a ws:// or wss:// URL')
    .refine((u) => /^wss?:\/\//.test(u), 'must start with ws:// or wss://')
    .default('ws://127.0.0.1:18789'),
  OPENCLAW_GATEWAY_TOKEN: z.string().optional(),
  OPENCLAW_GATEWAY_PASSWORD: z.string().optional(),
  OPENCLAW_GATEWAY_SCOPES: list('an operator scope such as operator.read', /^operator\.[a-z.]+$/),
  OPENCLAW_CLIENT_NAME: z.string().max(64).default('openclaw-slack-ops'),
  OPENCLAW_GATEWAYS: z.string().optional(),
  OPENCLAW_PAIRING_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id such as C0123456789 (not a #name)')
    .optional(),
  OPENCLAW_APPROVERS: list('use Slack user ids (U…/W…) or user group ids (S…)', SLACK_PRINCIPAL),
  OPENCLAW_ADMINS: list('use Slack user ids (U…/W…) or user group ids (S…)', SLACK_PRINCIPAL),
  OPENCLAW_INVOKERS: list('use Slack user ids (U…/W…) or user group ids (S…)', SLACK_PRINCIPAL),
  OPENCLAW_ALLOW_SYSTEM_RUN: bool,
  OPENCLAW_ORDINARY_COMMANDS: list('a command pattern such as ollama.*', /^[A-Za-z0-9*][\w.*:/-]{0,127}$/),
  OPENCLAW_INVOKE_ALLOW: list('a command pattern'),
  OPENCLAW_INVOKE_DENY: list('a command pattern'),
  OPENCLAW_ALERT_AFTER_MS: z.coerce
    .number({ message: 'must be a number of milliseconds (0 turns alerts off)' })
    .int()
    .min(0, 'must be 0 or more')
    .default(60_000),
  OPENCLAW_NODE_ALERTS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'use true or false' })
    .optional()
    .transform((v) => v === undefined || v === 'true' || v === '1' || v === 'yes'),
  OPENCLAW_NODE_OFFLINE_AFTER_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(1_000, 'must be at least 1000 (1 s)')
    .default(120_000),
  OPENCLAW_ALERT_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id such as C0123456789 (not a #name)')
    .optional(),
  OPENCLAW_DISK_ALERT_PERCENT: z.coerce
    .number({ message: 'must be a percentage such as 5 (0 turns disk alerts off)' })
    .min(0, 'must be 0 to 100')
    .max(100, 'must be 0 to 100')
    .default(5),
  OPENCLAW_REMIND_AFTER_MS: z.coerce
    .number({ message: 'must be a number of milliseconds (0 turns reminders off)' })
    .int('must be a whole number of milliseconds')
    .refine((v) => v === 0 || v >= 1_000, 'must be 0 (off) or at least 1000 (1 s)')
    .default(1_800_000),
  OPENCLAW_REQUIRE_REASON: ruleScope('every request'),
  OPENCLAW_TWO_PERSON: ruleScope('every request'),
  OPENCLAW_APPROVAL_DURATIONS: durations,
  OPENCLAW_EXEC_APPROVALS: bool,
  OPENCLAW_EXEC_APPROVERS: list('use Slack user ids (U…/W…) or user group ids (S…)', SLACK_PRINCIPAL),
  OPENCLAW_EXEC_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id such as C0123456789 (not a #name)')
    .optional(),
  STATE_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .refine(
      isPostgresUrl,
      'must be a PostgreSQL URL such as postgres://openclaw:PASSWORD@db.internal:5432/openclaw (the value is not repeated here: it may hold a password)',
    )
    .optional(),
  OPENCLAW_LEASE_TTL_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(1_000, 'must be at least 1000 (1 s)')
    .max(300_000, 'must be at most 300000 (5 min)')
    .default(15_000),
  OPENCLAW_REPLICA_ID: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, 'use up to 64 letters, digits and . _ : -')
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `use one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

/** Values `.env.example` ships with: accepted by the patterns, but never a real setting. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  'xoxb-your-bot-token': 'the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
  'xapp-your-app-level-token': 'an app-level token (xapp-…) with connections:write from Basic Information',
  'your-gateway-token': "the gateway's gateway.auth.token",
  C0123456789: 'the id of your pairing channel (channel details → bottom)',
  S0123456789: 'a real user group id (S…) or user id (U…)',
  U0123456789: 'your Slack member id (profile → ⋮ → Copy member ID)',
};

/** Variables a `#` in `.env` most often empties (`OPENCLAW_PAIRING_CHANNEL=#ops`). */
const REQUIRED = ['SLACK_BOT_TOKEN', 'OPENCLAW_PAIRING_CHANNEL'] as const;

/** Problems the schema cannot see: placeholders left from .env.example, required values emptied by a comment. */
function checkPlaceholders(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const ids = (env.OPENCLAW_GATEWAYS ?? '').split(/[\s,]+/).filter(Boolean);
  for (const name of [...CONFIG_VARIABLES, ...gatewayVariables(ids)]) {
    const items = (env[name] ?? '').split(/[\s,]+/).filter(Boolean);
    for (const item of items) {
      const wanted = PLACEHOLDERS[item];
      if (wanted) problems.push(`${name}: "${item}" is the placeholder from .env.example; put ${wanted} there`);
    }
  }
  for (const name of REQUIRED) {
    if (env[name] !== undefined && env[name]?.trim() === '') {
      const channel =
        name === 'OPENCLAW_PAIRING_CHANNEL'
          ? ' In .env everything after # is a comment, so OPENCLAW_PAIRING_CHANNEL=#ops reads as empty: use the channel id (C… or G…, from the channel details), not its name.'
          : ' In .env everything after # is a comment: check the line is not commented out.';
      problems.push(`${name}: is set but empty.${channel}`);
    }
  }
  return problems;
}

/** Rules across variables; checked on the raw input so they are reported even when other variables fail. */
function checkCombinations(input: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (!input.SLACK_APP_TOKEN && !input.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_APP_TOKEN: set SLACK_APP_TOKEN (xapp-…, Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  }
  if (input.OPENCLAW_GATEWAYS) return problems;
  if (!input.OPENCLAW_GATEWAY_TOKEN && !input.OPENCLAW_GATEWAY_PASSWORD) {
    problems.push(
      'OPENCLAW_GATEWAY_TOKEN: set OPENCLAW_GATEWAY_TOKEN (or OPENCLAW_GATEWAY_PASSWORD): the gateway auth secret',
    );
  }
  if (!input.OPENCLAW_PAIRING_CHANNEL && !problems.some((p) => p.startsWith('OPENCLAW_PAIRING_CHANNEL'))) {
    problems.push('OPENCLAW_PAIRING_CHANNEL: required: the channel id (C… or G…) where pairing cards are posted');
  }
  return problems;
}

/** Validated, immutable configuration grouped by concern. */
export interface Config {
  readonly slack: {
    readonly botToken: string;
    readonly appToken: string | undefined;
    readonly signingSecret: string | undefined;
    readonly apiUrl: string;
    readonly socketMode: boolean;
  };
  readonly http: { readonly port: number };
  /** The gateways to keep sessions to (at least one; `default` for the single-gateway variables). */
  readonly gateways: readonly GatewayConfig[];
  readonly pairing: { readonly alertAfterMs: number };
  readonly access: {
    readonly approvers: readonly string[];
    readonly admins: readonly string[];
    readonly invokers: readonly string[];
    readonly allowSystemRun: boolean;
    /** OPENCLAW_ORDINARY_COMMANDS: globs of harmless commands beyond the built-in list. */
    readonly ordinaryCommands: readonly string[];
    readonly invokeAllow: readonly string[];
    readonly invokeDeny: readonly string[];
  };
  /** Node alerts (offline, low disk): on by default. */
  readonly fleet: {
    /** OPENCLAW_NODE_ALERTS. */
    readonly nodeAlerts: boolean;
    /** OPENCLAW_NODE_OFFLINE_AFTER_MS. */
    readonly offlineAfterMs: number;
    /** OPENCLAW_ALERT_CHANNEL; undefined: each gateway's pairing channel. */
    readonly alertChannel: string | undefined;
    /** OPENCLAW_DISK_ALERT_PERCENT (0: off). */
    readonly diskPercent: number;
    /** OPENCLAW_REMIND_AFTER_MS (0: off). */
    readonly remindAfterMs: number;
  };
  /** Reasons, two-person rule, time-bound approvals (OPENCLAW_REQUIRE_REASON, _TWO_PERSON, _APPROVAL_DURATIONS). */
  readonly workflow: WorkflowConfig;
  /** Exec approvals in Slack (OPENCLAW_EXEC_*): off by default. */
  readonly exec: {
    /** OPENCLAW_EXEC_APPROVALS: open an approvals session per gateway (the gateway then waits for Slack). */
    readonly enabled: boolean;
    /** OPENCLAW_EXEC_APPROVERS, or OPENCLAW_ADMINS when unset: the only people who may decide. */
    readonly approvers: readonly string[];
    /** OPENCLAW_EXEC_CHANNEL; undefined: each gateway's pairing channel. */
    readonly channel: string | undefined;
  };
  readonly stateDir: string;
  /** SQLite in STATE_DIR (one instance), or PostgreSQL shared by replicas (DATABASE_URL). */
  readonly storage: { readonly kind: 'sqlite' } | { readonly kind: 'postgres'; readonly url: string };
  readonly replicas: {
    /** OPENCLAW_LEASE_TTL_MS: how long a gateway's lease lasts without renewal. */
    readonly leaseTtlMs: number;
    /** OPENCLAW_REPLICA_ID: this process's name as a lease holder; made unique per process when unset. */
    readonly replicaId: string | undefined;
  };
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

/** Every variable loadConfig reads, for docs and `.env.example` checks. */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as readonly string[];

/** Where state lives, for commands that only read it (`audit`): STATE_DIR alone, nothing else required. */
export function loadStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.STATE_DIR?.trim() || './data');
}

/** Where the audit log lives, for `audit`: the database of DATABASE_URL, else STATE_DIR's SQLite file. */
export function loadStateLocation(
  env: NodeJS.ProcessEnv = process.env,
): { readonly kind: 'sqlite'; readonly stateDir: string } | { readonly kind: 'postgres'; readonly url: string } {
  const url = env.DATABASE_URL?.trim();
  if (url && isPostgresUrl(url)) return { kind: 'postgres', url };
  return { kind: 'sqlite', stateDir: loadStateDir(env) };
}

type Parsed = z.infer<typeof schema>;

function resolveListed(e: Parsed, env: NodeJS.ProcessEnv) {
  return parseGatewayList(e.OPENCLAW_GATEWAYS ?? '', env, {
    scopes: e.OPENCLAW_GATEWAY_SCOPES.length > 0 ? e.OPENCLAW_GATEWAY_SCOPES : [...DEFAULT_OPERATOR_SCOPES],
    clientName: e.OPENCLAW_CLIENT_NAME,
    pairingChannel: e.OPENCLAW_PAIRING_CHANNEL,
  });
}

/** Parses `env` (empty strings count as unset); throws ConfigError naming every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string | undefined> = Object.fromEntries(
    CONFIG_VARIABLES.map((name) => [name, env[name]?.trim() ? env[name]?.trim() : undefined]),
  );
  const parsed = schema.safeParse(input);
  const special = checkPlaceholders(env);
  const named = new Set(special.map((p) => p.split(':')[0]));
  const problems = [
    ...special,
    ...(parsed.success
      ? []
      : parsed.error.issues
          .map((issue) => `${String(issue.path[0] ?? 'config')}: ${issue.message}`)
          .filter((p) => !named.has(p.split(':')[0]))),
    ...checkCombinations(input),
  ].filter((p) => !named.has(p.split(':')[0]) || special.includes(p));
  const listed = parsed.success && input.OPENCLAW_GATEWAYS ? resolveListed(parsed.data, env) : undefined;
  problems.push(...(listed?.problems ?? []).filter((p) => !named.has(p.split(':')[0])));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const gateways: GatewayConfig[] = listed?.gateways ?? [
    {
      id: 'default',
      url: e.OPENCLAW_GATEWAY_URL,
      auth: e.OPENCLAW_GATEWAY_TOKEN
        ? { token: e.OPENCLAW_GATEWAY_TOKEN }
        : { password: e.OPENCLAW_GATEWAY_PASSWORD ?? '' },
      scopes: e.OPENCLAW_GATEWAY_SCOPES.length > 0 ? e.OPENCLAW_GATEWAY_SCOPES : [...DEFAULT_OPERATOR_SCOPES],
      clientName: e.OPENCLAW_CLIENT_NAME,
      pairingChannel: e.OPENCLAW_PAIRING_CHANNEL ?? '',
    },
  ];
  return Object.freeze({
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      appToken: e.SLACK_APP_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      socketMode: e.SLACK_APP_TOKEN !== undefined,
    },
    http: { port: e.PORT },
    gateways,
    pairing: { alertAfterMs: e.OPENCLAW_ALERT_AFTER_MS },
    access: {
      approvers: e.OPENCLAW_APPROVERS,
      admins: e.OPENCLAW_ADMINS,
      invokers: e.OPENCLAW_INVOKERS,
      allowSystemRun: e.OPENCLAW_ALLOW_SYSTEM_RUN,
      ordinaryCommands: e.OPENCLAW_ORDINARY_COMMANDS,
      invokeAllow: e.OPENCLAW_INVOKE_ALLOW,
      invokeDeny: e.OPENCLAW_INVOKE_DENY,
    },
    fleet: {
      nodeAlerts: e.OPENCLAW_NODE_ALERTS,
      offlineAfterMs: e.OPENCLAW_NODE_OFFLINE_AFTER_MS,
      alertChannel: e.OPENCLAW_ALERT_CHANNEL,
      diskPercent: e.OPENCLAW_DISK_ALERT_PERCENT,
      remindAfterMs: e.OPENCLAW_REMIND_AFTER_MS,
    },
    workflow: {
      requireReason: e.OPENCLAW_REQUIRE_REASON,
      twoPerson: e.OPENCLAW_TWO_PERSON,
      durationsMs: e.OPENCLAW_APPROVAL_DURATIONS,
    },
    exec: {
      enabled: e.OPENCLAW_EXEC_APPROVALS,
      // Deciding lets a command run on a machine: by default only the admins may.
      approvers: e.OPENCLAW_EXEC_APPROVERS.length > 0 ? e.OPENCLAW_EXEC_APPROVERS : e.OPENCLAW_ADMINS,
      channel: e.OPENCLAW_EXEC_CHANNEL,
    },
    stateDir: path.resolve(e.STATE_DIR),
    storage: e.DATABASE_URL ? { kind: 'postgres' as const, url: e.DATABASE_URL } : { kind: 'sqlite' as const },
    replicas: { leaseTtlMs: e.OPENCLAW_LEASE_TTL_MS, replicaId: e.OPENCLAW_REPLICA_ID },
    logLevel: e.LOG_LEVEL,
  });
}
