/** A minimal Socket Mode app speaking raw frames, to test the fake's protocol without the SDK in between. */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import type { JsonObject } from '../../fakes/fake-slack/types.js';
import { waitUntil } from '../../fakes/fake-slack/waiter.js';

/** Decides the ack for an envelope: a payload to send, or `null` to never ack. */
export type AckPolicy = (envelope: JsonObject) => JsonObject | null;

/** POSTs to the fake's Web API with a Bearer token and a form body; returns status, headers and JSON. */
export async function callApi(
  fake: FakeSlack,
  method: string,
  token: string | undefined,
  form: Record<string, string> = {},
) {
  const res = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as JsonObject };
}

export class RawSocketApp {
  readonly frames: JsonObject[] = [];
  private readonly events = new EventEmitter();

  private constructor(
    readonly ws: WebSocket,
    private readonly ackPolicy: AckPolicy,
  ) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as JsonObject;
      this.frames.push(frame);
      this.events.emit('frame');
      if (typeof frame.envelope_id === 'string') {
        const payload = this.ackPolicy(frame);
        if (payload !== null) ws.send(JSON.stringify({ envelope_id: frame.envelope_id, payload }));
      }
    });
  }

  /** Opens a connection through apps.connections.open and waits for `hello`. */
  static async connect(fake: FakeSlack, appToken: string, ackPolicy: AckPolicy = () => ({})): Promise<RawSocketApp> {
    const opened = await callApi(fake, 'apps.connections.open', appToken);
    if (opened.body.ok !== true) throw new Error(`apps.connections.open: ${String(opened.body.error)}`);
    const ws = new WebSocket(String(opened.body.url));
    const app = new RawSocketApp(ws, ackPolicy);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      app.nextFrame((f) => f.type === 'hello').then(() => resolve(), reject);
    });
    return app;
  }

  /** The first frame (seen so far or later) matching `predicate`. */
  nextFrame(predicate: (frame: JsonObject) => boolean, timeoutMs = 2000): Promise<JsonObject> {
    return waitUntil(this.events, ['frame'], () => this.frames.find(predicate), timeoutMs, 'a matching frame');
  }

  /** Envelopes received so far. */
  envelopes(): JsonObject[] {
    return this.frames.filter((f) => typeof f.envelope_id === 'string');
  }

  close(): void {
    this.ws.close();
  }
}
