import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_OPERATOR_SCOPES } from '../../../src/config.js';
import { DeviceIdentity } from '../../../src/gateway/device-identity.js';
import { GatewayClient, type GatewayClientOptions } from '../../../src/gateway/gateway-client.js';
import { createLogger } from '../../../src/logger.js';
import { FileIdentityStore } from '../../../src/storage/sqlite/file-identities.js';
import { FakeGateway, type FakeGatewayOptions } from '../../fakes/fake-gateway/fake-gateway.js';
import { LogCapture } from '../support/bot-harness.js';

export const TOKEN = 'fake-gateway-token-value';

/** A fake gateway plus our client with a fresh device identity; `close()` tears both down. */
export async function connectClient(
  gatewayOptions: FakeGatewayOptions = {},
  clientOptions: Partial<GatewayClientOptions> = {},
  stateDir?: string,
) {
  const gateway = new FakeGateway({ token: TOKEN, ...gatewayOptions });
  await gateway.start();
  const dir = stateDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-gw-')));
  const identity = await DeviceIdentity.loadOrCreate(new FileIdentityStore(dir), 'default');
  const logs = new LogCapture();
  const client = new GatewayClient({
    url: gateway.url,
    auth: { token: TOKEN },
    scopes: [...DEFAULT_OPERATOR_SCOPES],
    displayName: 'slack-ops-test',
    signer: identity,
    log: createLogger('debug', logs),
    ...clientOptions,
  });
  return {
    gateway,
    client,
    identity,
    logs,
    dir,
    async close() {
      await client.stop();
      await gateway.stop();
      if (!stateDir) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
