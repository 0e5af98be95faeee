/** The `/openclaw` subcommands: names, usage lines and examples (for help, suggestions and parse errors). */

/** One subcommand as help shows it. */
export interface CommandSpec {
  readonly command: string;
  readonly aliases: readonly string[];
  readonly usage: string;
  readonly example: string;
  readonly summary: string;
}

/** Every subcommand the bot understands, in the order help lists them. */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  { command: 'help', aliases: [], usage: '/openclaw help', example: '/openclaw help', summary: 'this list' },
  {
    command: 'presence',
    aliases: ['status'],
    usage: '/openclaw presence',
    example: '/openclaw status',
    summary: 'gateway, nodes and operators online, and the bot’s own gateway session',
  },
  {
    command: 'nodes',
    aliases: [],
    usage: '/openclaw nodes [online|offline|pending|text]',
    example: '/openclaw nodes online',
    summary: 'list nodes, filtered by state or by name, id, platform or IP',
  },
  {
    command: 'describe',
    aliases: [],
    usage: '/openclaw describe <node>',
    example: '/openclaw describe "build box"',
    summary: 'one node: capabilities, commands, host stats, version',
  },
  {
    command: 'invoke',
    aliases: [],
    usage: '/openclaw invoke <node> <command> [json-params] [--timeout 30s]',
    example: '/openclaw invoke build-box system.which {"bins":["git"]} --timeout 10s',
    summary: 'run a command the node declares',
  },
  {
    command: 'rename',
    aliases: [],
    usage: '/openclaw rename <node> <new name>',
    example: '/openclaw rename 9c8b12 build box',
    summary: 'change a node’s display name',
  },
  {
    command: 'pending',
    aliases: [],
    usage: '/openclaw pending',
    example: '/openclaw pending',
    summary: 'pairing requests waiting for a decision',
  },
  {
    command: 'approve',
    aliases: [],
    usage: '/openclaw approve <requestId>',
    example: '/openclaw approve 3f2a-…',
    summary: 'approve a pairing request',
  },
  {
    command: 'reject',
    aliases: [],
    usage: '/openclaw reject <requestId>',
    example: '/openclaw reject 3f2a-…',
    summary: 'reject a pairing request',
  },
  {
    command: 'remove',
    aliases: [],
    usage: '/openclaw remove <node>',
    example: '/openclaw remove old-laptop',
    summary: 'forget a paired node and disconnect it',
  },
  {
    command: 'approvals',
    aliases: [],
    usage: '/openclaw approvals [history [N]]',
    example: '/openclaw approvals history 20',
    summary: 'exec approvals waiting for a decision; history: the last N decided on the gateway (admins)',
  },
  {
    command: 'audit',
    aliases: [],
    usage: '/openclaw audit [N]',
    example: '/openclaw audit 20',
    summary: 'the last N audited actions (default 10, at most 50; admins)',
  },
];

/** Seed names the gateway removed in 2026.7. */
export const REMOVED_COMMANDS = ['pair-request', 'pair-verify'] as const;
/** `pair-request` or `pair-verify`. */
export type RemovedCommand = (typeof REMOVED_COMMANDS)[number];

/** What `pair-request` / `pair-verify` answer instead of calling the gateway. */
export const REMOVED_COMMAND_ANSWER =
  'The gateway removed node.pair.request and node.pair.verify in 2026.7: a node asks for pairing by connecting ' +
  'to the gateway. Run /openclaw pending to see the requests waiting, then approve or reject them.';

/** Every word that starts a command, aliases included (for "did you mean"). */
export const COMMAND_WORDS: readonly string[] = [
  ...COMMAND_SPECS.flatMap((spec) => [spec.command, ...spec.aliases]),
  ...REMOVED_COMMANDS,
];

/** The usage line of a subcommand. */
export function usageOf(command: string): string {
  return COMMAND_SPECS.find((spec) => spec.command === command)?.usage ?? '/openclaw help';
}
