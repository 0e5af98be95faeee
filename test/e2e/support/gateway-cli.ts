// The gateway's own view through the official CLI, independent of our client. Every call is
// `openclaw --no-color <args…> --json --url ws://127.0.0.1:P --token T [--timeout ms]` with a HOME of its own.
// Verified commands (2026.9.6), all take --json --url --token --timeout:
//   nodes list        → { pending: NodePairRequest[], paired: CliNode[] }   (paired = node.list entries)
//   nodes status      → { ts, nodes: CliNode[] }                            (raw node.list)
//   nodes pending     → NodePairRequest[]                                   (a bare array)
//   nodes approve <requestId> → { requestId, node: {…, caps, commands, approvedAtMs} }
//   nodes reject <requestId>, nodes remove --node <id|name>, devices list → { pending, paired: CliDevice[] }
//   gateway call <method> --params '<json>'  (any RPC)
// On failure the CLI exits 1 and prints {"ok":false,"error":{"type":"cli_error","message":…}} on stdout.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureOpenclaw } from '../../../scripts/ensure-openclaw.mjs';
import { createOpenclawEnv } from './openclaw-env.js';
import { spawnGroup } from './process-group.js';
import type { RealGateway } from './real-gateway.js';

/** A pending node pairing request as `nodes pending --json` prints it. */
export interface CliNodePairRequest {
  readonly requestId: string;
  readonly nodeId: string;
  readonly clientId: string;
  readonly clientMode: string;
  readonly displayName: string;
  readonly platform: string;
  readonly version: string;
  readonly deviceFamily?: string;
  readonly caps: readonly string[];
  readonly commands: readonly string[];
  readonly requiredApproveScopes: readonly string[];
  readonly silent: boolean;
  readonly ts: number;
}

/** A node entry of `nodes list --json` (`paired`) and `nodes status --json` (`nodes`). */
export interface CliNode {
  readonly nodeId: string;
  readonly displayName: string;
  readonly clientId: string;
  readonly clientMode: string;
  readonly platform: string;
  readonly version: string;
  readonly caps: readonly string[];
  readonly commands: readonly string[];
  readonly approvalState: 'approved' | 'pending-approval' | 'unapproved';
  readonly pendingRequestId?: string;
  readonly pendingDeclaredCaps?: readonly string[];
  readonly pendingDeclaredCommands?: readonly string[];
  readonly approvedAtMs?: number;
  readonly lastSeenAtMs?: number;
  readonly lastSeenReason?: string;
  readonly paired: boolean;
  readonly connected: boolean;
}

export interface CliNodeList {
  readonly pending: readonly CliNodePairRequest[];
  readonly paired: readonly CliNode[];
}

export interface CliNodeApproval {
  readonly requestId: string;
  readonly node: { readonly nodeId: string; readonly displayName: string; readonly commands: readonly string[] };
}

/** A device entry of `devices list --json` (node hosts appear with role "node"). */
export interface CliDevice {
  readonly deviceId: string;
  readonly displayName?: string;
  readonly clientId: string;
  readonly clientMode: string;
  readonly role: string;
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  readonly approvedVia?: string;
  readonly connected?: boolean;
}

export interface CliDeviceList {
  readonly pending: readonly unknown[];
  readonly paired: readonly CliDevice[];
}

export const GatewayCliErrorCode = {
  failed: 'CLI_FAILED',
  timeout: 'CLI_TIMEOUT',
  badOutput: 'CLI_BAD_OUTPUT',
} as const;
export type GatewayCliErrorCode = (typeof GatewayCliErrorCode)[keyof typeof GatewayCliErrorCode];

/** The CLI failed, timed out or printed something that is not JSON. */
export class GatewayCliError extends Error {
  override readonly name = 'GatewayCliError';
  constructor(
    readonly code: GatewayCliErrorCode,
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/** What the CLI needs of a gateway: where it listens, its token, and the HOME the CLI's own HOME goes under. */
export type GatewayAddress = Pick<RealGateway, 'url' | 'token' | 'home'>;

export interface GatewayCliOptions {
  readonly timeoutMs?: number;
}

const CLI_TIMEOUT_MS = 30_000;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Runs `openclaw <args> --json --url … --token …` against `gw` and resolves its parsed JSON. */
export async function gatewayCli(
  gw: GatewayAddress,
  args: readonly string[],
  options: GatewayCliOptions = {},
): Promise<unknown> {
  const install = await ensureOpenclaw();
  const timeoutMs = options.timeoutMs ?? CLI_TIMEOUT_MS;
  const home = join(gw.home, 'cli-home'); // removed with the gateway's HOME
  mkdirSync(home, { recursive: true });
  const connection = ['--json', '--url', gw.url, '--token', gw.token, '--timeout', String(Math.min(timeoutMs, 10_000))];
  const proc = spawnGroup(install.nodeBin, [install.openclawEntry, '--no-color', ...args, ...connection], {
    cwd: home,
    env: createOpenclawEnv(install, home),
  });
  const what = `openclaw ${args.join(' ')}`;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.end('SIGKILL');
  }, timeoutMs);
  const exit = await proc.exited.finally(() => clearTimeout(timer));
  if (timedOut) {
    throw new GatewayCliError(GatewayCliErrorCode.timeout, `${what}: no answer in ${timeoutMs} ms`, proc.output());
  }
  const parsed = parseJson(proc.stdout().trim());
  if (exit.code !== 0) {
    const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? proc.output();
    throw new GatewayCliError(GatewayCliErrorCode.failed, `${what} exited ${exit.code}: ${message}`, proc.output());
  }
  if (parsed === undefined) {
    throw new GatewayCliError(GatewayCliErrorCode.badOutput, `${what} printed no JSON`, proc.output());
  }
  return parsed;
}

/** `nodes list --json`: pending requests plus every known node with its `approvalState`. */
export async function listNodesViaCli(gw: RealGateway): Promise<CliNodeList> {
  return (await gatewayCli(gw, ['nodes', 'list'])) as CliNodeList;
}

/** `nodes pending --json`: the pending node pairing requests. */
export async function pendingNodeRequestsViaCli(gw: GatewayAddress): Promise<readonly CliNodePairRequest[]> {
  const pending = await gatewayCli(gw, ['nodes', 'pending']);
  if (!Array.isArray(pending)) throw new GatewayCliError('CLI_BAD_OUTPUT', 'nodes pending: not an array', '');
  return pending as CliNodePairRequest[];
}

/** `nodes approve <requestId> --json`. */
export async function approveNodeViaCli(gw: RealGateway, requestId: string): Promise<CliNodeApproval> {
  return (await gatewayCli(gw, ['nodes', 'approve', requestId])) as CliNodeApproval;
}

/** `devices list --json`: pending and paired devices (operators and node hosts). */
export async function listDevicesViaCli(gw: RealGateway): Promise<CliDeviceList> {
  return (await gatewayCli(gw, ['devices', 'list'])) as CliDeviceList;
}
