import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/pairing/types.js';
import { renderDecisionReply } from '../../../src/slack/blocks/decision-reply.js';
import {
  APPROVER,
  EVIL,
  expectSlackAccepts,
  makeDeviceRequest,
  makeHostileRequest,
  makeRecord,
  makeRequest,
} from './pairing-fixtures.js';

describe('renderDecisionReply', () => {
  it('names the approver, the node and its short id', () => {
    const record = makeRecord(makeRequest(), { status: 'approved', resolvedBy: { via: 'slack', userId: APPROVER } });
    const reply = renderDecisionReply(record);
    expectSlackAccepts(reply, [APPROVER]);
    expect(reply.text).toBe(`✅ <@${APPROVER}> approved node *build-runner-01* (\`node-7f3a9c1\`).`);
  });

  it('describes rejections, outside decisions and the other outcomes', () => {
    const reply = (overrides: Partial<RequestRecord>) =>
      renderDecisionReply(makeRecord(makeDeviceRequest(), overrides)).text;
    expect(reply({ status: 'rejected', resolvedBy: { via: 'slack', userId: APPROVER } })).toContain(
      `<@${APPROVER}> rejected device *Alice laptop*`,
    );
    expect(reply({ status: 'approved', resolvedBy: { via: 'outside' } })).toContain('approved outside Slack');
    expect(reply({ status: 'expired' })).toContain('expired');
    expect(reply({ status: 'superseded' })).toContain('superseded');
    expect(reply({ status: 'removed' })).toContain('removed');
    expect(
      reply({
        status: 'pending',
        lastFailure: { code: 'missing-scope', missingScope: 'operator.admin', requiredScopes: ['operator.admin'] },
      }),
    ).toContain('Could not decide device *Alice laptop*');
  });

  it('never mentions an unvalidated user id or leaks hostile tokens', () => {
    for (const status of ['approved', 'rejected', 'pending'] as const) {
      const record = makeRecord(makeHostileRequest(), {
        status,
        resolvedBy: { via: 'slack', userId: EVIL },
        lastFailure: { code: 'note', message: EVIL.repeat(100) },
      });
      expectSlackAccepts(renderDecisionReply(record));
    }
  });
});
