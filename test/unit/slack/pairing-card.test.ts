import { describe, expect, it } from 'vitest';
import { surfaceChanges } from '../../../src/pairing/decision-audit.js';
import type { RequestRecord, RequestStatus } from '../../../src/pairing/types.js';
import { CommandPolicy } from '../../../src/policy/command-policy.js';
import type { Block } from '../../../src/slack/blocks/block-kit.js';
import { parseDecisionValue } from '../../../src/slack/blocks/decision-buttons.js';
import { type CardContext, renderPairingCard } from '../../../src/slack/blocks/pairing-card.js';
import {
  APPROVER,
  EVIL,
  expectSlackAccepts,
  hostileList,
  makeDeviceRequest,
  makeHostileRequest,
  makeRecord,
  makeRequest,
  NOW_MS,
} from './pairing-fixtures.js';

const POLICY = new CommandPolicy({ ordinary: [], allowSystemRun: false });

const CTX: CardContext = { nowMs: NOW_MS, deciders: { approvers: 2, admins: 1 }, policy: POLICY };
const STATUSES: RequestStatus[] = ['pending', 'approved', 'rejected', 'expired', 'superseded', 'removed'];

function allText(blocks: readonly Block[]): string {
  return JSON.stringify(blocks);
}

function actionsOf(blocks: readonly Block[]) {
  return blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
}

function hostileRecords(): RequestRecord[] {
  const node = makeHostileRequest();
  return [
    makeRecord(node, { lastFailure: { code: 'refused', gatewayCode: 'X', message: EVIL.repeat(100) } }),
    makeRecord(
      makeHostileRequest({ previouslyApproved: { caps: hostileList(500, 200), commands: hostileList(500, 200) } }),
    ),
    makeRecord(makeHostileRequest({ requestId: 'r'.repeat(3000) })),
    makeRecord(makeDeviceRequest({ ...makeHostileRequest(), kind: 'device' })),
    ...STATUSES.map((status) =>
      makeRecord(node, { status, resolvedBy: { via: 'slack', userId: EVIL }, resolvedAtMs: Number.NaN }),
    ),
  ];
}

describe('renderPairingCard', () => {
  it('renders a plain node request that Slack accepts', () => {
    const card = renderPairingCard(makeRecord(makeRequest()), CTX);
    expectSlackAccepts(card);
    expect(card.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Node pairing request' } });
    const text = allText(card.blocks);
    for (const part of [
      'build-runner-01',
      '`node-7f3a9c1`',
      'linux',
      '2026.9.1',
      'openclaw-node (node)',
      '10.0.0.12',
    ]) {
      expect(text).toContain(part);
    }
    expect(text).toContain(`<!date^${Math.floor((NOW_MS - 60_000) / 1000)}^{date_short_pretty} {time}|`);
    expect(text).toContain('an *approver* or admin');
    expect(text).toContain('`operator.pairing`');
  });

  it('stays inside every Block Kit limit and leaks no token for hostile inputs', () => {
    for (const record of hostileRecords()) {
      for (const ctx of [
        CTX,
        { ...CTX, notice: EVIL.repeat(200) },
        { ...CTX, deciders: { approvers: 0, admins: 0 } },
      ]) {
        expectSlackAccepts(renderPairingCard(record, ctx));
      }
    }
  });

  it('lists long command sets with "… and N more"', () => {
    const card = renderPairingCard(makeRecord(makeHostileRequest()), CTX);
    expect(allText(card.blocks)).toMatch(/… and \d+ more/);
  });

  it('gives buttons the pairing action ids, styles and a compact value', () => {
    const record = makeRecord(makeRequest());
    const [approve, reject] = actionsOf(renderPairingCard(record, CTX).blocks);
    expect(approve).toMatchObject({ action_id: 'pairing.approve', style: 'primary' });
    expect(reject).toMatchObject({ action_id: 'pairing.reject', style: 'danger' });
    expect(approve && 'value' in approve ? approve.value : '').toBe(
      '{"g":"default","k":"node","r":"req-1","f":"0123456789abcdef"}',
    );
    expect(approve && 'confirm' in approve ? approve.confirm : undefined).toBeUndefined();
  });

  it('round-trips a hostile request id through the button value', () => {
    const record = makeRecord(makeRequest({ requestId: '<!channel> & @here "x"' }));
    const [approve] = actionsOf(renderPairingCard(record, CTX).blocks);
    const value = approve && 'value' in approve ? (approve.value ?? '') : '';
    expect(value).not.toMatch(/[<>&@]/);
    expect(parseDecisionValue(value)).toEqual({
      g: 'default',
      k: 'node',
      r: '<!channel> & @here "x"',
      f: '0123456789abcdef',
    });
  });

  it('adds a confirm dialog that names the node and shell access on admin-sensitive requests', () => {
    const record = makeRecord(makeRequest({ commands: ['camera.snap', 'system.run'] }));
    const card = renderPairingCard(record, CTX);
    expectSlackAccepts(card);
    const [approve, reject] = actionsOf(card.blocks);
    const confirm = approve && 'confirm' in approve ? approve.confirm : undefined;
    expect(confirm?.text.text).toContain('build-runner-01');
    expect(confirm?.text.text).toContain('run code or drive input (system.run)');
    expect(reject && 'confirm' in reject ? reject.confirm : undefined).toBeUndefined();
    expect(allText(card.blocks)).toContain(
      '⚠️ *Admin-sensitive* (2, not on the harmless list): `camera.snap`, `system.run`',
    );
    expect(allText(card.blocks)).toContain('*Runs code or drives input:* `system.run`');
    expect(allText(card.blocks)).toContain('an *admin*');
  });

  it('hides the buttons and explains the configuration when nobody may decide', () => {
    const card = renderPairingCard(makeRecord(makeRequest()), { ...CTX, deciders: { approvers: 0, admins: 0 } });
    expectSlackAccepts(card);
    expect(actionsOf(card.blocks)).toEqual([]);
    expect(allText(card.blocks)).toContain('OPENCLAW_APPROVERS');
  });

  it('hides the buttons of an admin-sensitive request when no admin is configured', () => {
    const record = makeRecord(makeRequest({ commands: ['system.run'] }));
    const card = renderPairingCard(record, { ...CTX, deciders: { approvers: 3, admins: 0 } });
    expect(actionsOf(card.blocks)).toEqual([]);
    expect(allText(card.blocks)).toContain('OPENCLAW_ADMINS');
  });

  it('hides the buttons and says so when the request id is too long for a button value', () => {
    const card = renderPairingCard(makeRecord(makeRequest({ requestId: 'r'.repeat(2500) })), CTX);
    expectSlackAccepts(card);
    expect(actionsOf(card.blocks)).toEqual([]);
    expect(allText(card.blocks)).toContain('too long');
  });

  it('shows what a widening request adds versus what was approved', () => {
    const request = makeRequest({
      commands: ['camera.snap', 'system.run'],
      previouslyApproved: { caps: ['camera'], commands: ['camera.snap'] },
    });
    const text = allText(renderPairingCard(makeRecord(request), CTX).blocks);
    expect(text).toContain('*New commands* (1): `system.run`');
    expect(text).toContain('*Already approved:* commands `camera.snap`');
    expect(text).toContain('`system.run` (new)');
  });

  it('shows what a widening request no longer asks for, and the audit of its decision keeps the diff', () => {
    const request = makeRequest({
      caps: ['system'],
      commands: ['system.run'],
      previouslyApproved: { caps: ['camera'], commands: ['camera.snap', 'system.run'] },
    });
    const text = allText(renderPairingCard(makeRecord(request), CTX).blocks);
    expect(text).toContain('*No longer asked for* (2): `camera.snap`, `camera`');
    expect(surfaceChanges(request)).toEqual({
      addedCommands: [],
      removedCommands: ['camera.snap'],
      addedCaps: ['system'],
      removedCaps: ['camera'],
    });
  });

  it('renders a device request with role, scopes and expiry', () => {
    const card = renderPairingCard(makeRecord(makeDeviceRequest()), CTX);
    expectSlackAccepts(card);
    const text = allText(card.blocks);
    expect(card.blocks[0]).toMatchObject({ text: { text: 'Device pairing request' } });
    for (const part of ['`operator`', '`operator.read`', 'openclaw-control-ui', 'macos', 'Expires about 5 minutes']) {
      expect(text).toContain(part);
    }
  });

  it('renders outcome lines for resolved records: no decision any more, and Revoke only on an approved node', () => {
    const outcome = (overrides: Partial<RequestRecord>) => {
      const record = makeRecord(makeRequest(), { resolvedAtMs: NOW_MS, ...overrides });
      const card = renderPairingCard(record, CTX);
      expectSlackAccepts(card, [APPROVER]);
      const ids = actionsOf(card.blocks).map((e) => (e as { action_id?: string }).action_id);
      expect(ids).toEqual(record.status === 'approved' ? ['pairing.revoke'] : []);
      return allText(card.blocks);
    };
    expect(outcome({ status: 'approved', resolvedBy: { via: 'slack', userId: APPROVER } })).toContain(
      `✅ Approved by <@${APPROVER}> at <!date^`,
    );
    expect(outcome({ status: 'rejected', resolvedBy: { via: 'slack', userId: APPROVER } })).toContain('❌ Rejected by');
    expect(outcome({ status: 'approved', resolvedBy: { via: 'outside' } })).toContain(
      'Approved outside Slack (CLI, Control UI or automatic approval)',
    );
    expect(outcome({ status: 'expired' })).toContain('⌛ Expired');
    expect(outcome({ status: 'superseded' })).toContain('Superseded by a newer request');
    expect(outcome({ status: 'removed' })).toContain('Node removed');
  });

  it('renders the notice as a context block', () => {
    const card = renderPairingCard(makeRecord(makeRequest()), {
      ...CTX,
      notice: 're-rendered because the request changed',
    });
    const notice = card.blocks.find((b) => b.type === 'context' && allText([b]).includes('re-rendered'));
    expect(notice).toBeDefined();
  });

  it('uses unique block ids that change when the record version is bumped', () => {
    const record = makeRecord(makeHostileRequest());
    const ids = (r: RequestRecord) => renderPairingCard(r, { ...CTX, notice: 'n' }).blocks.map((b) => b.block_id);
    const before = ids(record);
    const after = ids({ ...record, version: record.version + 1 });
    expect(new Set(before).size).toBe(before.length);
    expect(before.filter((id) => after.includes(id))).toEqual([]);
  });

  it('escapes the fallback text', () => {
    const card = renderPairingCard(makeRecord(makeHostileRequest()), CTX);
    expect(card.text).toContain('Node pairing request');
    expect(card.text).not.toMatch(/[<>]/);
  });
});

describe('renderPairingCard, deny by default', () => {
  it('lists every command that is not on the harmless list, and withholds Approve when they do not all fit', () => {
    const many = Array.from({ length: 400 }, (_, i) => `plugin.command.number.${i}`);
    const card = renderPairingCard(makeRecord(makeRequest({ commands: many })), CTX);
    expectSlackAccepts(card);
    const ids = actionsOf(card.blocks).map((e) => ('action_id' in e ? e.action_id : ''));
    expect(ids).toEqual(['pairing.reject']);
    expect(allText(card.blocks)).toContain('Approve is not offered');

    const few = renderPairingCard(makeRecord(makeRequest({ commands: ['ollama.models', 'a.b', 'c.d'] })), CTX);
    expect(allText(few.blocks)).toContain('⚠️ *Admin-sensitive* (2, not on the harmless list): `a.b`, `c.d`');
    expect(actionsOf(few.blocks).map((e) => ('action_id' in e ? e.action_id : ''))).toEqual([
      'pairing.approve',
      'pairing.reject',
    ]);
  });

  it('renders a display name with line breaks on one line', () => {
    const card = renderPairingCard(makeRecord(makeRequest({ displayName: 'a\nb\r\nc\u2028d' })), CTX);
    expect(allText(card.blocks)).toContain('*a b c d*');
    expect(allText(card.blocks)).not.toMatch(/a\\nb/);
  });
});
