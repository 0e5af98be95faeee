import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, type Harness, startHarness } from '../support/bot-harness.js';
import { buttonValue, cardFor, forgedClick, until } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The unkeyed fingerprint of the previous release: sha256 of public fields, which anyone can compute. */
function publicFingerprint(requestId: string, nodeId: string, commands: string[]): string {
  const sorted = (items: string[]) => [...new Set(items)].sort();
  const material = [
    'v1',
    'node',
    requestId,
    nodeId,
    [],
    sorted(commands),
    sorted(['operator.pairing', 'operator.write']),
    null,
    [],
    [],
  ];
  return createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 16);
}

describe('forged decision values', () => {
  it('refuses a click whose fingerprint was computed from public fields, calls nothing and audits it', async () => {
    h = await startHarness();
    const requestId = h.gateway.requestNodePairing({ displayName: 'forge-me', commands: ['ollama.models'] });
    const card = await cardFor(h, 'forge-me');
    const nodeId = h.gateway.pendingNodeRequests()[0]?.nodeId ?? '';
    const real = JSON.parse(buttonValue(card, 'pairing.approve')) as { f: string };
    const guessed = publicFingerprint(requestId, nodeId, ['ollama.models']);
    expect(guessed).not.toBe(real.f);
    const value = JSON.stringify({ k: 'node', r: requestId, f: guessed });
    const click = await h.slack.sendAction(forgedClick(card, ADMIN, 'pairing.approve', value));
    expect(JSON.stringify((await click.nextResponse()).body)).toMatch(/out of date/);
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    await until(async () =>
      expect((await (h as Harness).bot.storage.audit.list(10)).at(-1)).toMatchObject({
        actor: ADMIN,
        outcome: 'changed',
        requestId,
      }),
    );
  });

  it('audits a value that is not one of ours, and says nothing was done', async () => {
    h = await startHarness();
    h.gateway.requestNodePairing({ displayName: 'junk-value', commands: ['ollama.models'] });
    const card = await cardFor(h, 'junk-value');
    const click = await h.slack.sendAction(forgedClick(card, ADMIN, 'pairing.approve', '{"k":"node","r":5}'));
    expect(JSON.stringify((await click.nextResponse()).body)).toMatch(/not one of ours/);
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    await until(async () =>
      expect((await (h as Harness).bot.storage.audit.list(10)).at(-1)).toMatchObject({
        actor: ADMIN,
        action: 'pairing.approve',
        outcome: 'refused',
      }),
    );
  });
});
