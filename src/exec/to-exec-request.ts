import type { PairingRequest } from '../pairing/types.js';
import type { ExecApproval } from './exec-schemas.js';

/** Longest command text (and argv, all items together) kept: beyond it the request can only be denied from Slack. */
export const EXEC_COMMAND_KEEP = 100_000;

function clip(text: string): string {
  return text.length > EXEC_COMMAND_KEEP ? text.slice(0, EXEC_COMMAND_KEEP) : text;
}

/**
 * Turns an exec approval from the gateway into the record the bot keeps: the node is the subject, and the command
 * is what a decision is bound to (the fingerprint covers it). `nodeName` is the node's display name when known.
 */
export function toExecRequest(approval: ExecApproval, nodeName: string | undefined): PairingRequest {
  const r = approval.request;
  const fullArgv = r.systemRunBinding?.argv.length ? r.systemRunBinding.argv : (r.systemRunPlan?.argv ?? []);
  const fullText = r.command || r.systemRunPlan?.commandText || fullArgv.join(' ');
  const argvChars = fullArgv.reduce((n, a) => n + a.length, 0);
  const clipped = fullText.length > EXEC_COMMAND_KEEP || argvChars > EXEC_COMMAND_KEEP;
  const argv = argvChars > EXEC_COMMAND_KEEP ? [] : fullArgv;
  const nodeId = r.host === 'node' ? r.nodeId : undefined;
  return {
    kind: 'exec',
    requestId: approval.id,
    subjectId: nodeId ?? 'gateway',
    displayName: nodeId ? nodeName : 'gateway host',
    platform: undefined,
    version: undefined,
    clientId: undefined,
    clientMode: undefined,
    deviceFamily: undefined,
    remoteIp: undefined,
    caps: [],
    commands: [],
    requiredApproveScopes: [],
    role: undefined,
    roles: [],
    scopes: [],
    isRepair: false,
    previouslyApproved: undefined,
    requestedAtMs: approval.createdAtMs,
    exec: {
      argv,
      commandText: clip(fullText),
      clipped,
      cwd: r.systemRunBinding?.cwd ?? r.cwd ?? r.systemRunPlan?.cwd,
      host: r.host,
      nodeId,
      agentId: r.agentId ?? r.systemRunBinding?.agentId,
      sessionKey: r.sessionKey ?? r.systemRunBinding?.sessionKey,
      warningText: r.warningText,
      riskKinds: r.commandAnalysis?.riskKinds ?? [],
      warningLines: r.commandAnalysis?.warningLines ?? [],
      resolvedPath: r.resolvedPath,
      security: r.security,
      ask: r.ask,
      allowedDecisions: r.allowedDecisions,
      expiresAtMs: approval.expiresAtMs,
    },
  };
}
