import type { Config, GatewayConfig } from '../config.js';
import { APPROVALS_CAP, approvalsScopes } from '../exec/exec-runtime.js';
import { DeviceIdentity } from '../gateway/device-identity.js';
import { GatewayClient } from '../gateway/gateway-client.js';
import { NodeManager } from '../gateway/nodes.js';
import type { Logger } from '../logger.js';
import type { IdentityStore } from '../storage/ports.js';
import { FileIdentityStore } from '../storage/sqlite/file-identities.js';
import { type CheckResult, fail, ok, warn } from './checklist.js';

/** How long the doctor waits for the handshake. */
const HANDSHAKE_WAIT_MS = 10_000;

/** The first attempt's outcome: connected, refused for good (paused), failed (now retrying), or still waiting. */
function firstOutcome(client: GatewayClient): Promise<'connected' | 'paused' | 'reconnecting' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done('timeout'), HANDSHAKE_WAIT_MS);
    const off = client.onStateChange((s) => {
      if (s.state === 'connected' || s.state === 'paused' || s.state === 'reconnecting') done(s.state);
    });
    function done(outcome: 'connected' | 'paused' | 'reconnecting' | 'timeout') {
      clearTimeout(timer);
      off();
      resolve(outcome);
    }
  });
}

/** Every gateway: handshake, scopes, operator.admin; names carry the gateway id when there are several. */
export async function checkGateways(
  config: Config,
  log: Logger,
  identities: IdentityStore = new FileIdentityStore(config.stateDir),
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const gateway of config.gateways) {
    const named = config.gateways.length > 1;
    const checks = await checkGateway(identities, gateway, log);
    if (config.exec.enabled && checks.every((c) => c.status !== 'fail'))
      checks.push(await checkExecApprovals(identities, gateway, config.exec.approvers.length, log));
    for (const r of checks) results.push(named ? { ...r, name: `${r.name} (${gateway.id})` } : r);
  }
  return results;
}

/** One gateway: handshake (with the reason and fix when it fails), granted scopes, operator.admin. */
async function checkGateway(identities: IdentityStore, gateway: GatewayConfig, log: Logger): Promise<CheckResult[]> {
  // The bot's own device (STATE_DIR, or the database for replicas): what the gateway approves is what the bot uses.
  const identity = await DeviceIdentity.loadOrCreate(identities, gateway.id);
  const client = new GatewayClient({
    url: gateway.url,
    auth: gateway.auth,
    scopes: gateway.scopes,
    displayName: gateway.clientName,
    signer: identity,
    log,
  });
  const settled = firstOutcome(client);
  client.start();
  if ((await settled) !== 'connected') {
    const status = client.getStatus();
    await client.stop();
    if (status.pause) return [fail('gateway handshake', `${gateway.url}: ${status.pause.reason}`, status.pause.hint)];
    const reached = status.lastFrameAtMs !== undefined;
    return [
      fail(
        'gateway handshake',
        `${gateway.url}: ${status.lastError ?? status.state}`,
        reached
          ? 'the gateway answered but no session came up: check OPENCLAW_GATEWAY_TOKEN and the gateway log'
          : `nothing answers at ${gateway.url}: is the gateway running, and is OPENCLAW_GATEWAY_URL its address (default port 18789)?`,
      ),
    ];
  }
  try {
    const granted = client.grantedScopes;
    const results: CheckResult[] = [
      ok(
        'gateway handshake',
        `connected to ${client.getStatus().serverVersion ?? 'gateway'} as device ${identity.deviceId.slice(0, 12)}`,
      ),
    ];
    const missing = gateway.scopes.filter((s) => !granted.includes(s));
    results.push(
      missing.length === 0
        ? ok('gateway scopes', granted.join(', '))
        : fail(
            'gateway scopes',
            `missing ${missing.join(', ')}`,
            'approve the bot device for these scopes (openclaw devices approve)',
          ),
    );
    if (!granted.includes('operator.admin')) {
      const pending = await new NodeManager(client).pairList().catch(() => undefined);
      const adminNeeded =
        pending?.pending.filter((r) => r.requiredApproveScopes.includes('operator.admin')).length ?? 0;
      results.push(
        warn(
          'operator.admin for shell-capable nodes',
          `without operator.admin the bot cannot approve nodes that declare system.run (${adminNeeded} pending now)`,
          'add operator.admin to OPENCLAW_GATEWAY_SCOPES and approve it',
        ),
      );
    }
    return results;
  } finally {
    await client.stop();
  }
}

/** OPENCLAW_EXEC_APPROVALS: the approvals session comes up with the cap's scopes, and someone may decide. */
async function checkExecApprovals(
  identities: IdentityStore,
  gateway: GatewayConfig,
  approvers: number,
  log: Logger,
): Promise<CheckResult> {
  const name = 'exec approvals session';
  const scopes = approvalsScopes(gateway.scopes);
  const client = new GatewayClient({
    url: gateway.url,
    auth: gateway.auth,
    scopes,
    caps: [APPROVALS_CAP],
    displayName: `${gateway.clientName} (exec approvals)`.slice(0, 64),
    signer: await DeviceIdentity.loadOrCreate(identities, gateway.id),
    log,
  });
  const settled = firstOutcome(client);
  client.start();
  try {
    if ((await settled) !== 'connected') {
      const status = client.getStatus();
      return fail(
        name,
        `${status.pause?.reason ?? status.lastError ?? status.state}`,
        status.pause?.hint ??
          `approve the bot device for ${scopes.join(', ')} (openclaw devices list, then openclaw devices approve <requestId>)`,
      );
    }
    const missing = scopes.filter((s) => !client.grantedScopes.includes(s));
    if (missing.length > 0)
      return fail(
        name,
        `missing ${missing.join(', ')}`,
        'approve the scope upgrade of the bot device (openclaw devices approve)',
      );
    const pending = ((await client.request('exec.approval.list', {})) as unknown[]).length;
    if (approvers === 0)
      return warn(
        name,
        `connected as an approval route; ${pending} waiting, but nobody may decide`,
        'set OPENCLAW_EXEC_APPROVERS or OPENCLAW_ADMINS',
      );
    return ok(name, `connected as an approval route (cap ${APPROVALS_CAP}); ${pending} waiting now`);
  } finally {
    await client.stop();
  }
}
