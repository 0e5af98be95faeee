import { createDeviceKey, type DeviceKey } from './device-signing.js';
import { FakeGateway, type FakeGatewayOptions } from './fake-gateway.js';
import {
  type ConnectOptions,
  connectOperator,
  type RawError,
  RawGatewayClient,
  type RawResponse,
} from './raw-client.js';

/** Starts a fake gateway and raw operator sessions against it; `cleanup()` closes everything. */
export class GatewayHarness {
  private current: FakeGateway | undefined;
  private readonly clients: RawGatewayClient[] = [];

  constructor(private readonly token: string) {}

  get gateway(): FakeGateway {
    if (!this.current) throw new Error('harness gateway not started');
    return this.current;
  }

  async start(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
    this.current = new FakeGateway({ token: this.token, ...options });
    await this.current.start();
    return this.current;
  }

  /** Opens a socket without answering the challenge. */
  async open(): Promise<RawGatewayClient> {
    return this.track(await RawGatewayClient.open(this.gateway.url));
  }

  /** A signed operator connect with a fresh device key and the shared token unless overridden. */
  async connect(options: Partial<ConnectOptions> = {}): Promise<{ client: RawGatewayClient; response: RawResponse }> {
    const base: ConnectOptions = { key: createDeviceKey(), auth: { token: this.token } };
    const result = await connectOperator(this.gateway.url, { ...base, ...options });
    this.track(result.client);
    return result;
  }

  /** A connected session holding `scopes`; throws if the gateway refuses it. */
  async session(scopes: string[], key: DeviceKey = createDeviceKey()): Promise<RawGatewayClient> {
    const { client, response } = await this.connect({ scopes, key });
    if (!response.ok) throw new Error(`connect refused: ${JSON.stringify(response.error)}`);
    return client;
  }

  /** A refused connect: the error and the close the client saw; throws if it was accepted. */
  async reject(options: Partial<ConnectOptions> = {}): Promise<{ error: RawError | undefined; closeCode: number }> {
    const { client, response } = await this.connect(options);
    if (response.ok) throw new Error('connect unexpectedly accepted');
    const { code } = await client.waitForClose();
    return { error: response.error, closeCode: code };
  }

  async cleanup(): Promise<void> {
    for (const client of this.clients.splice(0)) client.close();
    await this.current?.stop({ graceMs: 200 });
    this.current = undefined;
  }

  private track(client: RawGatewayClient): RawGatewayClient {
    this.clients.push(client);
    return client;
  }
}
