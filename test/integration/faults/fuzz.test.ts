import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryHandle } from '../../fakes/fake-slack/delivery-handle.js';
import type { ResponseDelivery } from '../../fakes/fake-slack/types.js';
import { ADMIN, APPROVER, CHANNEL, firstGateway, type Harness, STRANGER } from '../support/bot-harness.js';
import { checkAndStop, ORDINARY, startFaultHarness, until } from './support/fault-kit.js';
import { createPicker, randomCommandText, randomJunkFrame } from './support/fuzz-inputs.js';
import { problemsOf } from './support/output-checks.js';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const SEED = 0x5eed_2026;
const COMMANDS = 1_000;
const CONCURRENCY = 20;
const BOT_ERRORS = ['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'msg_blocks_too_long', 'no_text'];

/** Runs `work` over `items` with at most `limit` in flight. */
async function runPool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

async function readyz(harness: Harness): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${harness.bot.port}/readyz`);
  return res.status;
}

describe('fuzzing', () => {
  it('has an output check that catches broken blocks, live mentions and links', () => {
    const hostile = {
      text: 'hi <!channel>',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '<@U0VICTIM01> see https://evil.example' } },
        { type: 'header', text: { type: 'mrkdwn', text: 'x'.repeat(200) } },
      ],
    };
    const found = problemsOf(hostile, 'probe').join('\n');
    expect(found).toMatch(/mass_mention/);
    expect(found).toMatch(/user_mention/);
    expect(found).toMatch(/auto-linked URL/);
    expect(found).toMatch(/blocks\/1\/text/);
    expect(
      problemsOf({ text: 'fine', blocks: [{ type: 'section', text: { type: 'plain_text', text: 'ok' } }] }, 'ok'),
    ).toEqual([]);
  });

  it(`survives ${COMMANDS} random slash commands and malformed gateway frames, answering each once with valid, inert Block Kit`, async () => {
    h = await startFaultHarness({ env: { OPENCLAW_ALLOW_SYSTEM_RUN: 'false' } });
    const harness = h;
    harness.gateway.addNode({ displayName: 'alpha', commands: ORDINARY, approved: true, connected: true });
    harness.gateway.addNode({
      displayName: '<!channel> <https://evil.example|beta> *bold*',
      commands: ['system.which'],
      approved: true,
      connected: false,
    });
    harness.gateway.requestNodePairing({ displayName: '<@U0VICTIM01> wants in', commands: ORDINARY });
    await until(async () => expect(await harness.bot.delivery.isIdle()).toBe(true));

    const p = createPicker(SEED);
    const inputs = Array.from({ length: COMMANDS }, () => ({
      text: randomCommandText(p),
      user: p.chance(0.8) ? STRANGER : p.pick([APPROVER, ADMIN]),
      junk: p.chance(0.05) ? randomJunkFrame(p) : undefined,
    }));
    const handles: DeliveryHandle[] = [];
    const problems: string[] = [];
    await runPool(inputs, CONCURRENCY, async ({ text, user, junk }, index) => {
      if (junk !== undefined) harness.gateway.sendRaw(junk);
      const handle = await harness.slack.command(text, { user_id: user, channel_id: CHANNEL });
      handles[index] = handle;
      if (!handle.acked) problems.push(`#${index} not acked: ${JSON.stringify(text.slice(0, 80))}`);
      await handle.nextResponse({ timeoutMs: 10_000 }).catch((err: Error) => {
        problems.push(`#${index} no answer (${err.message}): ${JSON.stringify(text.slice(0, 80))}`);
      });
    });
    expect(problems).toEqual([]);

    // Gateway frames of every kind, and frames far above and just below the client's 64 MiB limit.
    for (let i = 0; i < 200; i += 1) harness.gateway.sendRaw(randomJunkFrame(p));
    harness.gateway.sendOversized(2_000_000);
    const handshakes = harness.gateway.hellos.length;
    harness.gateway.sendOversized(64 * 1024 * 1024 + 1_024);
    // Too large for the client: it drops the connection and must come back by itself.
    await until(() => expect(harness.gateway.hellos.length).toBeGreaterThan(handshakes), 10_000);
    await until(() => expect(firstGateway(harness.bot).client.isConnected).toBe(true), 10_000);
    await until(async () => expect(await harness.bot.delivery.isIdle()).toBe(true), 10_000);

    const final = await harness.slack.command('nodes', { user_id: STRANGER, channel_id: CHANNEL });
    expect(JSON.stringify((await final.nextResponse({ timeoutMs: 5_000 })).body)).toContain('alpha');
    expect(await readyz(harness)).toBe(200);

    const all: ResponseDelivery[] = [...handles, final].flatMap((handle) => handle.responses());
    for (const [index, handle] of handles.entries()) {
      const responses = handle.responses();
      if (responses.length !== 1) problems.push(`#${index} got ${responses.length} responses`);
    }
    for (const r of all) {
      if (r.httpStatus !== 200 || r.effect.startsWith('rejected')) problems.push(`${r.effect} (${r.httpStatus})`);
      problems.push(...problemsOf(r.body, `response ${r.responseUrlId}`));
    }
    for (const m of harness.slack.messages(CHANNEL)) {
      problems.push(...problemsOf({ text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}) }, `message ${m.ts}`));
    }
    for (const call of harness.slack.calls()) {
      const error = call.response?.error;
      if (typeof error === 'string' && BOT_ERRORS.includes(error)) problems.push(`${call.method}: ${error}`);
    }
    expect(problems).toEqual([]);
    expect(harness.slack.violations).toEqual([]);
    expect(harness.slack.failures).toEqual([]);
    expect(all.length).toBe(COMMANDS + 1);
  }, 90_000);
});
