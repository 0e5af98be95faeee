import { describe, expect, it } from 'vitest';
import { ExecApprovalSchema } from '../../../src/exec/exec-schemas.js';
import { toExecRequest } from '../../../src/exec/to-exec-request.js';
import { createFingerprinter } from '../../../src/pairing/fingerprint.js';
import type { ExecDetails, PairingRequest, RequestRecord } from '../../../src/pairing/types.js';
import { CommandPolicy } from '../../../src/policy/command-policy.js';
import type { Block } from '../../../src/slack/blocks/block-kit.js';
import { renderDecisionReply } from '../../../src/slack/blocks/decision-reply.js';
import { parseExecValue } from '../../../src/slack/blocks/exec-buttons.js';
import { renderExecCard } from '../../../src/slack/blocks/exec-card.js';
import type { CardContext } from '../../../src/slack/blocks/pairing-card.js';
import { validateBlocks } from '../../fakes/fake-slack/block-kit-validator.js';
import { EVIL, expectSlackAccepts, makeRecord, NOW_MS } from './pairing-fixtures.js';

const CTX: CardContext = {
  nowMs: NOW_MS,
  deciders: { approvers: 1, admins: 1, execApprovers: 1 },
  policy: new CommandPolicy({ ordinary: [], allowSystemRun: false }),
};

/** The payload shape seen on the live gateway (reference exec-approvals.md §3). */
function livePayload(request: Record<string, unknown> = {}, id = 'a1b2c3d4-0000-4000-8000-000000000001') {
  return {
    approvalKind: 'exec',
    id,
    createdAtMs: NOW_MS,
    expiresAtMs: NOW_MS + 1_800_000,
    request: {
      command: 'echo hi',
      systemRunBinding: {
        argv: ['echo', 'hi'],
        cwd: '/home/ops',
        agentId: 'main',
        sessionKey: 'agent:main:main',
        envHash: null,
      },
      systemRunPlan: { argv: ['echo', 'hi'], cwd: '/home/ops', commandText: 'echo hi' },
      cwd: '/home/ops',
      nodeId: 'n'.repeat(64),
      host: 'node',
      security: 'full',
      ask: 'always',
      warningText: null,
      commandAnalysis: { commandCount: 1, nestedCommandCount: 0, riskKinds: [], warningLines: [] },
      allowedDecisions: ['allow-once', 'deny'],
      agentId: 'main',
      resolvedPath: '/usr/bin/echo',
      sessionKey: 'agent:main:main',
      sessionId: 's-1',
      runId: null,
      toolCallId: null,
      ...request,
    },
  };
}

function execRecord(request: Record<string, unknown> = {}, overrides: Partial<RequestRecord> = {}): RequestRecord {
  const parsed = ExecApprovalSchema.parse(livePayload(request));
  return makeRecord(toExecRequest(parsed, 'build-box'), overrides);
}

const actions = (blocks: readonly Block[]) =>
  blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => ('action_id' in e ? e.action_id : '')) : []));

describe('exec approval card', () => {
  it('reads the live payload: argv, cwd, node, agent, session, offered answers; nulls become absent', () => {
    const exec = execRecord().request.exec as ExecDetails;
    expect(exec).toMatchObject({
      argv: ['echo', 'hi'],
      commandText: 'echo hi',
      cwd: '/home/ops',
      host: 'node',
      nodeId: 'n'.repeat(64),
      agentId: 'main',
      sessionKey: 'agent:main:main',
      allowedDecisions: ['allow-once', 'deny'],
      warningText: undefined,
      clipped: false,
    });
    const gatewayHost = execRecord({ host: 'gateway', nodeId: null, systemRunBinding: null, systemRunPlan: null });
    expect(gatewayHost.request.exec).toMatchObject({
      host: 'gateway',
      nodeId: undefined,
      argv: [],
      commandText: 'echo hi',
    });
    // Unknown answers are dropped; none at all leaves nothing to allow.
    const odd = execRecord({ allowedDecisions: ['allow-forever', 'deny'] });
    expect(odd.request.exec?.allowedDecisions).toEqual(['deny']);
  });

  it('shows the command and argv exactly, makes invisible characters visible, and mentions nobody', () => {
    const hostile = `${EVIL}\u001b[31m\u200b`;
    const record = execRecord({
      command: hostile,
      systemRunBinding: { argv: ['sh', '-c', hostile] },
      warningText: EVIL,
      commandAnalysis: { riskKinds: [EVIL], warningLines: [EVIL, EVIL] },
      cwd: EVIL,
      agentId: EVIL,
      sessionKey: EVIL,
    });
    const card = renderExecCard(record, CTX);
    expectSlackAccepts(card);
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('\\\\u{1b}[31m');
    expect(text).toContain('\\\\u{202e}bidi');
    expect(text).toContain('\\\\u{200b}');
    expect(text).not.toContain('\u202E');
    expect(text).toContain('&lt;!channel&gt;');
    expect(actions(card.blocks)).toEqual(['exec.allow-once', 'exec.deny']);
  });

  it('clamps a long command on the card and offers Allow only in the full view, where all of it is shown', () => {
    const long = `${'a'.repeat(20_000)}TAIL`;
    const record = execRecord({ command: long, systemRunBinding: { argv: [long] } });
    const card = renderExecCard(record, CTX);
    expectSlackAccepts(card);
    expect(JSON.stringify(card.blocks)).not.toContain('TAIL');
    expect(actions(card.blocks)).toEqual(['pairing.review', 'exec.deny']);
    const full = renderExecCard(record, CTX, true);
    expect(validateBlocks(full.blocks, 'modal')).toEqual([]);
    expect(JSON.stringify(full.blocks).split('TAIL')).toHaveLength(3); // command and argv, each whole
    expect(actions(full.blocks)).toEqual(['exec.allow-once', 'exec.deny']);
  });

  it('never offers Allow for a command too long to keep or to show whole', () => {
    const huge = 'b'.repeat(150_000);
    const record = execRecord({ command: huge, systemRunBinding: { argv: [huge] } });
    expect(record.request.exec?.clipped).toBe(true);
    for (const full of [false, true]) {
      const message = renderExecCard(record, CTX, full);
      expect(validateBlocks(message.blocks, full ? 'modal' : 'message')).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(message.blocks))).toBeLessThan(250_000);
      expect(actions(message.blocks)).not.toContain('exec.allow-once');
      expect(actions(message.blocks)).toContain('exec.deny');
    }
  });

  it('says who decided what and when, outside Slack or by expiry, with no buttons', () => {
    const by = (resolvedBy: RequestRecord['resolvedBy'], status: RequestRecord['status']) =>
      JSON.stringify(renderExecCard(execRecord({}, { status, resolvedBy, resolvedAtMs: NOW_MS }), CTX).blocks);
    expect(by({ via: 'slack', userId: 'U012ABCDEF', decision: 'allow-always' }, 'approved')).toContain(
      'Allowed always by <@U012ABCDEF>',
    );
    expect(by({ via: 'outside', decision: 'deny', name: 'runtime:cli' }, 'rejected')).toContain(
      'Denied: decided outside Slack (`runtime:cli`)',
    );
    const expired = by(undefined, 'expired');
    expect(expired).toContain('Expired');
    expect(expired).not.toContain('Denied');
    expect(expired).not.toContain('exec.deny');
    const reply = renderDecisionReply(
      execRecord(
        {},
        { status: 'approved', resolvedBy: { via: 'slack', userId: 'U012ABCDEF', decision: 'allow-once' } },
      ),
    );
    expect(reply.text).toContain('<@U012ABCDEF> allowed once `echo hi` on node *build-box*');
  });

  it('hides the buttons when nobody may decide exec approvals, and says how to fix it', () => {
    const card = renderExecCard(execRecord(), { ...CTX, deciders: { approvers: 1, admins: 0, execApprovers: 0 } });
    expect(actions(card.blocks)).toEqual([]);
    expect(JSON.stringify(card.blocks)).toContain('OPENCLAW_EXEC_APPROVERS');
  });

  it('carries gateway, id and fingerprint in its buttons and parses nothing else', () => {
    const card = renderExecCard(execRecord(), CTX);
    const button = card.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []))[0] as { value: string };
    expect(parseExecValue(button.value)).toEqual({
      g: 'default',
      r: 'a1b2c3d4-0000-4000-8000-000000000001',
      f: '0123456789abcdef',
    });
    for (const bad of [
      '',
      '{}',
      '{"g":"default","k":"node","r":"x","f":"y"}',
      '{"g":"../x","k":"exec","r":"x","f":"y"}',
    ])
      expect(parseExecValue(bad)).toBeUndefined();
  });
});

describe('exec fingerprint', () => {
  it('changes with the command, argv, cwd, node, offered answers or expiry, and stays stable otherwise', () => {
    const fp = createFingerprinter(Buffer.alloc(32, 7));
    const base = execRecord().request;
    const change = (exec: Partial<ExecDetails>): PairingRequest => ({
      ...base,
      exec: { ...(base.exec as ExecDetails), ...exec },
    });
    expect(fp(base)).toBe(fp(execRecord().request));
    for (const changed of [
      change({ commandText: 'echo ho' }),
      change({ argv: ['echo', 'ho'] }),
      change({ cwd: '/' }),
      change({ nodeId: 'other' }),
      change({ allowedDecisions: ['allow-once', 'allow-always', 'deny'] }),
      change({ expiresAtMs: NOW_MS }),
    ])
      expect(fp(changed)).not.toBe(fp(base));
  });
});
