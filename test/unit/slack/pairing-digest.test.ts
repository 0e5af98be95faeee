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

function actionBlocks(blocks: readonly Block[]) {
  return blocks.flatMap((b) => (b.type === 'actions' ? [b] : []));
}

describe('renderPairingDigest', () => {
  it('fits a full digest of hostile admin-sensitive requests within 50 blocks and the text budget', () => {
    const records = fleet(DIGEST_CAPACITY, (i) => makeHostileRequest({ requestId: `r-${i}-${EVIL}` }));
    const digest = renderPairingDigest(records, { ...CTX, notice: EVIL.repeat(50) });
    expectSlackAccepts(digest);
    expect(digest.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS.message);
    expect(actionBlocks(digest.blocks)).toHaveLength(DIGEST_CAPACITY);
  });

  it('gives each request its own Approve/Reject carrying that request id', () => {
    const digest = renderPairingDigest(fleet(3), CTX);
    expectSlackAccepts(digest);
    const values = actionBlocks(digest.blocks).map((b) => {
      const [approve, reject] = b.elements;
      expect(approve).toMatchObject({ action_id: 'pairing.approve', style: 'primary' });
      expect(reject).toMatchObject({ action_id: 'pairing.reject', style: 'danger' });
      return approve && 'value' in approve ? JSON.parse(approve.value ?? '') : undefined;
    });
    expect(values.map((v) => v.r)).toEqual(['req-0', 'req-1', 'req-2']);
  });

  it('renders no more than DIGEST_CAPACITY requests and says how many were left out', () => {
    const digest = renderPairingDigest(fleet(DIGEST_CAPACITY + 5), { ...CTX, notice: 'rollout' });
    expectSlackAccepts(digest);
    expect(actionBlocks(digest.blocks)).toHaveLength(DIGEST_CAPACITY);
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
    expect(actionBlocks(digest.blocks)).toHaveLength(1);
    const text = JSON.stringify(digest.blocks);
    expect(text).toContain(`✅ Approved by <@${APPROVER}>`);
    expect(text).toContain('⌛ Expired');
  });

  it('marks admin-sensitive entries and confirms their Approve', () => {
    const digest = renderPairingDigest(
      [makeRecord(makeRequest({ commands: ['system.run'] })), makeRecord(makeDeviceRequest({ requestId: 'd-1' }))],
      CTX,
    );
    expectSlackAccepts(digest);
    expect(JSON.stringify(digest.blocks)).toContain('⚠️ *admin-sensitive*');
    const [nodeActions, deviceActions] = actionBlocks(digest.blocks);
    expect(nodeActions?.elements[0]).toHaveProperty('confirm');
    expect(deviceActions?.elements[0]).not.toHaveProperty('confirm');
  });

  it('hides buttons and explains configuration when nobody may decide', () => {
    const digest = renderPairingDigest(fleet(4), { ...CTX, deciders: { approvers: 0, admins: 0 } });
    expectSlackAccepts(digest);
    expect(actionBlocks(digest.blocks)).toEqual([]);
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
