/** Operator scopes, who may call what and who receives which event (reference §6, §7, §8). */

export const Scope = {
  read: 'operator.read',
  write: 'operator.write',
  pairing: 'operator.pairing',
  admin: 'operator.admin',
  approvals: 'operator.approvals',
} as const;

/**
 * True when `granted` satisfies `required`. `operator.admin` satisfies everything and
 * `operator.write` satisfies `operator.read` (node.list works with write, not with pairing).
 */
export function hasScope(granted: readonly string[], required: string): boolean {
  if (granted.includes(Scope.admin) || granted.includes(required)) return true;
  return required === Scope.read && granted.includes(Scope.write);
}

/** The first of `required` that `granted` does not satisfy, if any. */
export function findMissingScope(granted: readonly string[], required: readonly string[]): string | undefined {
  return required.find((scope) => !hasScope(granted, scope));
}

/** Commands whose node approval needs `operator.admin` (§7 table; `terminal.upload` included). */
const ADMIN_APPROVAL_COMMANDS = new Set([
  'system.run',
  'system.which',
  'system.execApprovals.get',
  'system.execApprovals.set',
  'terminal.upload',
  'browser.proxy',
  'browser.proxy.upload.v1',
  'fs.listDir',
]);

/** Relays that `node.invoke` only allows with `operator.admin` (§7, per the docs). */
export const ADMIN_INVOKE_COMMANDS: ReadonlySet<string> = new Set([
  'browser.proxy',
  'browser.proxy.upload.v1',
  'fs.listDir',
  'terminal.upload',
]);

/** `requiredApproveScopes` for a node surface: none → pairing; ordinary → +write; sensitive → +admin. */
export function computeRequiredApproveScopes(commands: readonly string[]): string[] {
  if (commands.length === 0) return [Scope.pairing];
  if (commands.some((command) => ADMIN_APPROVAL_COMMANDS.has(command))) return [Scope.pairing, Scope.admin];
  return [Scope.pairing, Scope.write];
}

type Audience = 'everyone' | 'observers' | 'approvers' | 'approval-routes';

const EVENT_AUDIENCE: Record<string, Audience> = {
  tick: 'everyone',
  health: 'everyone',
  shutdown: 'everyone',
  presence: 'observers',
  'node.hostStats': 'observers',
  'node.runnerInventory.changed': 'observers',
  'node.pair.requested': 'approvers',
  'node.pair.resolved': 'approvers',
  'device.pair.requested': 'approvers',
  'device.pair.resolved': 'approvers',
  'exec.approval.requested': 'approval-routes',
  'exec.approval.resolved': 'approval-routes',
};

/** Events the fake advertises in `hello-ok.features.events`. */
export const FEATURE_EVENTS: readonly string[] = Object.keys(EVENT_AUDIENCE);

/**
 * Scope gating of pushed events: observers need read/write/admin, approvers pairing/admin; exec approval events go
 * only to sessions that declared the `approvals` cap and hold operator.admin (other clients' requests).
 */
export function mayReceiveEvent(scopes: readonly string[], event: string, caps: readonly string[] = []): boolean {
  const audience = EVENT_AUDIENCE[event] ?? 'everyone';
  if (audience === 'everyone') return true;
  if (audience === 'approval-routes')
    return (caps.includes('approvals') || caps.includes('exec-approvals')) && scopes.includes(Scope.admin);
  if (audience === 'observers') return hasScope(scopes, Scope.read);
  return hasScope(scopes, Scope.pairing);
}
