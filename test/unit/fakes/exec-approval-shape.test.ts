import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExecApprovalSchema } from '../../../src/exec/exec-schemas.js';
import { toExecRequest } from '../../../src/exec/to-exec-request.js';
import { ExecApprovalBook } from '../../fakes/fake-gateway/exec-approvals.js';

/** One `exec.approval.requested` event from the live gateway (see test/fixtures/README.md). */
const live = JSON.parse(
  readFileSync(new URL('../../fixtures/openclaw/exec-approval-requested.json', import.meta.url), 'utf8'),
) as { request: Record<string, unknown> } & Record<string, unknown>;

describe('the fake exec approval event', () => {
  it('has the live event’s shape: the same fields at the top, in the request and in its binding', () => {
    let sent: Record<string, unknown> | undefined;
    const book = new ExecApprovalBook(Date.now, (_event, payload) => {
      sent = payload as Record<string, unknown>;
    });
    book.create({ nodeId: 'n1', argv: ['/usr/bin/echo', 'hi'] });
    book.clear();
    const fake = sent as { request: Record<string, unknown> } & Record<string, unknown>;
    expect(Object.keys(fake).sort()).toEqual(Object.keys(live).sort());
    expect(Object.keys(fake.request).sort()).toEqual(Object.keys(live.request).sort());
    const keys = (o: unknown) => Object.keys(o as object).sort();
    expect(keys(fake.request.systemRunBinding)).toEqual(keys(live.request.systemRunBinding));
    expect(keys(fake.request.commandAnalysis)).toEqual(keys(live.request.commandAnalysis));
  });

  it('is read by the bot the same way as the live one (nulls are absent, argv and cwd from the binding)', () => {
    const request = toExecRequest(ExecApprovalSchema.parse(live), undefined);
    expect(request.exec).toMatchObject({
      argv: ['/usr/bin/echo', 'not-yours'],
      commandText: '/usr/bin/echo not-yours',
      cwd: '/tmp/openclaw-e2e-node-uxY9r8',
      host: 'node',
      agentId: undefined,
      sessionKey: undefined,
      resolvedPath: undefined,
      allowedDecisions: ['allow-once', 'deny'],
      expiresAtMs: 1796181740017,
    });
    expect(request.subjectId).toBe(live.request.nodeId);
  });
});
