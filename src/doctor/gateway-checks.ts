import type { Config } from '../config.js';
import { DeviceIdentity } from '../gateway/device-identity.js';
import { GatewayClient } from '../gateway/gateway-client.js';
import { NodeManager } from '../gateway/nodes.js';
import type { Logger } from '../logger.js';
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

/** Gateway: handshake (with the reason and fix when it fails), granted scopes, operator.admin. */
export async function checkGateway(config: Config, log: Logger): Promise<CheckResult[]> {
  const identity = await DeviceIdentity.loadOrCreate(config.stateDir);
  const client = new GatewayClient({
    url: config.gateway.url,
    auth: config.gateway.auth,
    scopes: config.gateway.scopes,
    displayName: config.gateway.clientName,
    signer: identity,
    log,
  });
  const settled = firstOutcome(client);
  client.start();
  if ((await settled) !== 'connected') {
    const status = client.getStatus();
    await client.stop();
    if (status.pause)
      return [fail('gateway handshake', `${config.gateway.url}: ${status.pause.reason}`, status.pause.hint)];
    const reached = status.lastFrameAtMs !== undefined;
    return [
      fail(
        'gateway handshake',
        `${config.gateway.url}: ${status.lastError ?? status.state}`,
        reached
          ? 'the gateway answered but no session came up: check OPENCLAW_GATEWAY_TOKEN and the gateway log'
          : `nothing answers at ${config.gateway.url}: is the gateway running, and is OPENCLAW_GATEWAY_URL its address (default port 18789)?`,
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
    const missing = config.gateway.scopes.filter((s) => !granted.includes(s));
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
