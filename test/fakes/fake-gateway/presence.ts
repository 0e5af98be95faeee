import type { Session } from './session.js';
import type { OperatorPresence } from './views.js';

/** Operator modes that never appear in presence (reference §6). */
const HIDDEN_PRESENCE_MODES = new Set(['cli', 'backend', 'probe']);

/** Presence of operator sessions, kept after disconnect with `reason: "disconnect"` like the gateway. */
export class OperatorPresenceBook {
  private readonly entries = new Map<string, OperatorPresence>();

  /** Records a ready session's (dis)connect; false when its mode never appears in presence. */
  record(session: Session, connected: boolean, nowMs: number): boolean {
    const grant = session.grant;
    if (!grant || HIDDEN_PRESENCE_MODES.has(grant.client.mode)) return false;
    const key = grant.deviceId ?? grant.client.instanceId ?? session.connId;
    const entry: OperatorPresence = {
      key,
      host: grant.client.displayName ?? grant.client.id,
      clientId: grant.client.id,
      mode: grant.client.mode,
      version: grant.client.version,
      platform: grant.client.platform,
      scopes: [...grant.scopes],
      connected,
      ts: nowMs,
    };
    if (grant.deviceId) entry.deviceId = grant.deviceId;
    this.entries.set(key, entry);
    return true;
  }

  list(): OperatorPresence[] {
    return [...this.entries.values()];
  }
}
