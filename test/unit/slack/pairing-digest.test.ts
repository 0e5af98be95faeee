import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/pairing/types.js';
import type { Block } from '../../../src/slack/blocks/block-kit.js';
import type { CardContext } from '../../../src/slack/blocks/pairing-card.js';
import { DIGEST_CAPACITY, renderPairingDigest } from '../../../src/slack/blocks/pairing-digest.js';
import { MAX_BLOCKS } from '../../fakes/fake-slack/block-kit-validator.js';
import {
  APPROVER,
  EVIL,
  expectSlackAccepts,
  makeDeviceRequest,
  makeHostileRequest,
  makeRecord,
  makeRequest,
  NOW_MS,
} from './pairing-fixtures.js';

const CTX: CardContext = { nowMs: NOW_MS, deciders: { approvers: 2, admins: 1 } };

function fleet(count: number, make = (i: number) => makeRequest({ requestId: `req-${i}`, subjectId: `node-${i}` })) {
  return Array.from({ length: count }, (_, i) => makeRecord(make(i), { updatedAtMs: NOW_MS + i }));
}

/** The Approve/Reject overflow menus of a digest, one per decidable entry. */
function menus(blocks: readonly Block[]) {
  return blocks.flatMap((b) => (b.type === 'section' && b.accessory?.type === 'overflow' ? [b.accessory] : []));
}

function optionValues(menu: ReturnType<typeof menus>[number]) {
  return menu.options.map((o) => JSON.parse(o.value ?? '') as { r: string; d: string });
}

describe('renderPairingDigest', () => {
  it('fits a full digest of hostile admin-sensitive requests within 50 blocks and the text budget', () => {
    const records = fleet(DIGEST_CAPACITY, (i) => makeHostileRequest({ requestId: `r-${i}-${EVIL}` }));
    const digest = renderPairingDigest(records, { ...CTX, notice: EVIL.repeat(50) });
    expectSlackAccepts(digest);
    expect(digest.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS.message);
    // Hostile request ids are too long for a 150-char option value: those entries point to /openclaw approve.
    expect(menus(digest.blocks)).toHaveLength(0);
    expect(JSON.stringify(digest.blocks)).toContain('/openclaw approve');
  });

  it('gives each request its own Approve/Reject menu carrying that request id and decision', () => {
    const digest = renderPairingDigest(fleet(3), CTX);
    expectSlackAccepts(digest);
    const values = menus(digest.blocks).map((menu) => {
      expect(menu.action_id).toBe('pairing.decide');
      return optionValues(menu);
    });
    expect(values.map(([approve]) => approve?.r)).toEqual(['req-0', 'req-1', 'req-2']);
    expect(values.every(([approve, reject]) => approve?.d === 'approve' && reject?.d === 'reject')).toBe(true);
  });

  it('keeps a full digest of ordinary requests within 50 blocks, every entry decidable', () => {
    const digest = renderPairingDigest(fleet(DIGEST_CAPACITY), CTX);
    expectSlackAccepts(digest);
    expect(digest.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS.message);
    expect(menus(digest.blocks)).toHaveLength(DIGEST_CAPACITY);
  });

  it('renders no more than DIGEST_CAPACITY requests and says how many were left out', () => {
    const digest = renderPairingDigest(fleet(DIGEST_CAPACITY + 5), { ...CTX, notice: 'rollout' });
    expectSlackAccepts(digest);
    expect(menus(digest.blocks)).toHaveLength(DIGEST_CAPACITY);
    expect(JSON.stringify(digest.blocks)).toContain('… and 5 more not shown');
  });

  it('renders resolved entries as an outcome line without buttons', () => {
    const [first, second, third] = fleet(3);
    const resolved: RequestRecord[] = [
      { ...(first as RequestRecord), status: 'approved', resolvedBy: { via: 'slack', userId: APPROVER } },
      { ...(second as RequestRecord), status: 'expired' },
      third as RequestRecord,
    ];
    const digest = renderPairingDigest(resolved, CTX);
    expectSlackAccepts(digest, [APPROVER]);
    expect(menus(digest.blocks)).toHaveLength(1);
    const text = JSON.stringify(digest.blocks);
    expect(text).toContain(`✅ Approved by <@${APPROVER}>`);
    expect(text).toContain('⌛ Expired');
  });

  it('marks admin-sensitive entries and confirms their Approve', () => {
    const digest = renderPairingDigest(
      [
        makeRecord(makeRequest({ commands: ['system.run'] })),
        makeRecord(makeDeviceRequest({ requestId: 'd-1', scopes: ['operator.read'] })),
      ],
      CTX,
    );
    expectSlackAccepts(digest);
    expect(JSON.stringify(digest.blocks)).toContain('⚠️ *admin-sensitive*');
    const [nodeMenu, deviceMenu] = menus(digest.blocks);
    expect(nodeMenu).toHaveProperty('confirm');
    expect(deviceMenu).not.toHaveProperty('confirm');
  });

  it('hides buttons and explains configuration when nobody may decide', () => {
    const digest = renderPairingDigest(fleet(4), { ...CTX, deciders: { approvers: 0, admins: 0 } });
    expectSlackAccepts(digest);
    expect(menus(digest.blocks)).toEqual([]);
    expect(JSON.stringify(digest.blocks)).toContain('OPENCLAW_APPROVERS');
  });

  it('uses unique block ids that change when any record changes', () => {
    const records = fleet(DIGEST_CAPACITY);
    const ids = (rs: RequestRecord[]) => renderPairingDigest(rs, { ...CTX, notice: 'n' }).blocks.map((b) => b.block_id);
    const before = ids(records);
    const bumped = records.map((r, i) => (i === 3 ? { ...r, version: r.version + 1 } : r));
    expect(new Set(before).size).toBe(before.length);
    expect(before.filter((id) => ids(bumped).includes(id))).toEqual([]);
  });
});
