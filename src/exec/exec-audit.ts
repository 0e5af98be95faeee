import type { RequestRecord } from '../pairing/types.js';
import type { RequestKey } from '../storage/ports.js';

/** Command text kept in an audit row (the full argv is kept too, up to this many characters in all). */
const AUDIT_COMMAND_MAX = 4_000;

/** Who, which node and which command an exec audit row names (the action and outcome are the caller's). */
export function execAuditTarget(actor: string, key: RequestKey, record: RequestRecord | undefined) {
  const exec = record?.request.exec;
  const argv: string[] = [];
  let room = AUDIT_COMMAND_MAX;
  for (const arg of exec?.argv ?? []) {
    if (room <= 0) break;
    argv.push(arg.slice(0, room));
    room -= arg.length;
  }
  return {
    actor,
    gateway: key.gateway,
    target: exec?.nodeId ? `node:${exec.nodeId}` : exec ? 'gateway' : `exec-request:${key.requestId}`,
    targetName: record?.request.displayName,
    requestId: key.requestId,
    fingerprint: record?.fingerprint,
    params: exec
      ? {
          command: exec.commandText.slice(0, AUDIT_COMMAND_MAX),
          argv,
          cwd: exec.cwd,
          agentId: exec.agentId,
          sessionKey: exec.sessionKey,
        }
      : undefined,
  };
}
