import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/pairing/types.js';
import { CommandPolicy } from '../../../src/policy/command-policy.js';
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

const POLICY = new CommandPolicy({ ordinary: [], allowSystemRun: false });

const CTX: CardContext = { nowMs: NOW_MS, deciders: { approvers: 2, admins: 1 }, policy: POLICY };

function fleet(count: number, make = (i: number) => makeRequest({ requestId: `req-${i}`, subjectId: `node-${i}` })) {
  return Array.from({ length: count }, (_, i) => makeRecord(make(i), { updatedAtMs: NOW_MS + i }));
}

/** The Review buttons of a digest, one per decidable entry. */
function reviews(blocks: readonly Block[]) {
  return blocks.flatMap((b) => (b.type === 'section' && b.accessory?.type === 'button' ? [b.accessory] : []));
}

describe('renderPairingDigest', () => {
  it('fits a full digest of hostile admin-sensitive requests within 50 blocks and the text budget', () => {
    const records = fleet(DIGEST_CAPACITY, (i) => makeHostileRequest({ requestId: `r-${i}-${EVIL}` }));
    const digest = renderPairingDigest(records, { ...CTX, notice: EVIL.repeat(50) });
    expectSlackAccepts(digest);
    expect(digest.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS.message);
    expect(reviews(digest.blocks)).toHaveLength(DIGEST_CAPACITY);
  });

  it('gives each request a Review button naming it, and no control that decides without showing the surface', () => {
    const digest = renderPairingDigest(fleet(3), CTX);
    expectSlackAccepts(digest);
    const buttons = reviews(digest.blocks);
    expect(buttons.map((b) => b.action_id)).toEqual(['pairing.review', 'pairing.review', 'pairing.review']);
    expect(buttons.map((b) => (JSON.parse(b.value ?? '') as { r: string }).r)).toEqual(['req-0', 'req-1', 'req-2']);
    const text = JSON.stringify(digest.blocks);
    expect(text).not.toContain('pairing.approve');
    expect(text).not.toContain('pairing.decide');
    expect(text).not.toContain('"overflow"');
  });

  it('keeps a full digest of ordinary requests within 50 blocks, every entry decidable', () => {
    const digest = renderPairingDigest(fleet(DIGEST_CAPACITY), CTX);
    expectSlackAccepts(digest);
    expect(digest.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS.message);
    expect(reviews(digest.blocks)).toHaveLength(DIGEST_CAPACITY);
  });

  it('renders no more than DIGEST_CAPACITY requests and says how many were left out', () => {
    const digest = renderPairingDigest(fleet(DIGEST_CAPACITY + 5), { ...CTX, notice: 'rollout' });
    expectSlackAccepts(digest);
    expect(reviews(digest.blocks)).toHaveLength(DIGEST_CAPACITY);
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
    expect(reviews(digest.blocks)).toHaveLength(1);
    const text = JSON.stringify(digest.blocks);
    expect(text).toContain(`✅ Approved by <@${APPROVER}>`);
    expect(text).toContain('⌛ Expired');
  });

  it('marks admin-sensitive entries', () => {
    const digest = renderPairingDigest(
      [
        makeRecord(makeRequest({ commands: ['system.run'] })),
        makeRecord(makeDeviceRequest({ requestId: 'd-1', scopes: ['operator.read'] })),
      ],
      CTX,
    );
    expectSlackAccepts(digest);
    const entries = digest.blocks.filter((b) => b.type === 'section' && b.accessory?.type === 'button');
    expect(JSON.stringify(entries[0])).toContain('⚠️ *admin-sensitive*');
    expect(JSON.stringify(entries[1])).not.toContain('admin-sensitive');
  });

  it('hides buttons and explains configuration when nobody may decide', () => {
    const digest = renderPairingDigest(fleet(4), { ...CTX, deciders: { approvers: 0, admins: 0 } });
    expectSlackAccepts(digest);
    expect(reviews(digest.blocks)).toEqual([]);
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
