import crypto from 'node:crypto';
import type { AuditEntry, AuditOutcome } from '../../audit/audit-entry.js';
import {
  type AuditStore,
  type ClaimStore,
  type ConfirmationStore,
  type DecisionClaim,
  gatewayOfMessage,
  type IdentityStore,
  keyString,
  type OutboxMessage,
  type OutboxStore,
  type QueuedMessage,
  type RequestKey,
  type Storage,
  type StoredIdentity,
} from '../ports.js';
import { MemoryAlerts } from './memory-alerts.js';
import { MemoryLeases, MemoryNotices } from './memory-leases.js';
import { MemoryRequestStore } from './memory-requests.js';

class MemoryClaims implements ClaimStore {
  private readonly claims = new Map<string, DecisionClaim>();

  async claim(claim: DecisionClaim): Promise<{ ok: true } | { ok: false; existing: DecisionClaim }> {
    const existing = this.claims.get(keyString(claim));
    if (existing) return { ok: false, existing: { ...existing } };
    this.claims.set(keyString(claim), { ...claim });
    return { ok: true };
  }

  async release(key: RequestKey): Promise<void> {
    this.claims.delete(keyString(key));
  }

  async list(gateway?: string): Promise<DecisionClaim[]> {
    return [...this.claims.values()]
      .filter((c) => gateway === undefined || c.gateway === gateway)
      .sort((a, b) => a.claimedAtMs - b.claimedAtMs)
      .map((c) => ({ ...c }));
  }
}

class MemoryOutbox implements OutboxStore {
  private readonly messages = new Map<number, QueuedMessage>();
  private nextId = 1;

  constructor(private readonly onQueued: (gateway: string) => void) {}

  async enqueue(message: OutboxMessage, nowMs: number): Promise<number> {
    const id = this.nextId++;
    this.messages.set(id, { id, message: structuredClone(message), createdAtMs: nowMs, attemptedAtMs: undefined });
    this.onQueued(gatewayOfMessage(message));
    return id;
  }

  async list(limit: number, gateways?: readonly string[]): Promise<QueuedMessage[]> {
    return [...this.messages.values()]
      .filter((m) => gateways === undefined || gateways.includes(gatewayOfMessage(m.message)))
      .slice(0, limit)
      .map((m) => structuredClone(m));
  }

  async markAttempt(id: number, nowMs: number): Promise<void> {
    const message = this.messages.get(id);
    if (message) this.messages.set(id, { ...message, attemptedAtMs: nowMs });
  }

  async delete(id: number): Promise<void> {
    this.messages.delete(id);
  }
}

class MemoryConfirmations implements ConfirmationStore {
  private readonly rows = new Map<
    string,
    { userId: string; action: string; payload: unknown; createdAtMs: number; used: boolean }
  >();

  async create(id: string, userId: string, action: string, payload: unknown, nowMs: number): Promise<void> {
    if (this.rows.has(id)) throw new Error(`confirmation ${id} exists`);
    this.rows.set(id, { userId, action, payload: structuredClone(payload), createdAtMs: nowMs, used: false });
  }

  async claim(id: string, userId: string, maxAgeMs: number, nowMs: number) {
    const row = this.rows.get(id);
    if (!row || row.used || row.userId !== userId || row.createdAtMs < nowMs - maxAgeMs) return undefined;
    row.used = true;
    return { action: row.action, payload: structuredClone(row.payload) };
  }
}

class MemoryAudit implements AuditStore {
  private readonly rows: AuditEntry[] = [];

  async append(entry: AuditEntry): Promise<number> {
    const id = this.rows.length + 1;
    this.rows.push(structuredClone({ ...entry, id }));
    return id;
  }

  async complete(id: number, outcome: Exclude<AuditOutcome, 'intent'>, detail: string | undefined, atMs: number) {
    const row = this.rows[id - 1];
    if (row?.outcome !== 'intent') return;
    this.rows[id - 1] = { ...row, outcome, detail: detail ?? row.detail, completedAtMs: atMs };
  }

  async list(limit: number, sinceMs = 0): Promise<AuditEntry[]> {
    return this.rows
      .filter((r) => r.atMs >= sinceMs)
      .slice(-limit)
      .map((r) => structuredClone(r));
  }
}

class MemoryIdentities implements IdentityStore {
  private readonly identities = new Map<string, StoredIdentity>();
  private secret: Buffer | undefined;

  async load(gateway: string): Promise<StoredIdentity | undefined> {
    const found = this.identities.get(gateway);
    return found ? { ...found } : undefined;
  }

  async createIfAbsent(gateway: string, identity: StoredIdentity): Promise<StoredIdentity> {
    if (!this.identities.has(gateway)) this.identities.set(gateway, { ...identity });
    return { ...(this.identities.get(gateway) as StoredIdentity) };
  }

  async setDeviceToken(gateway: string, deviceToken: string | undefined): Promise<void> {
    const found = this.identities.get(gateway);
    if (found) this.identities.set(gateway, { ...found, deviceToken });
  }

  async installSecret(): Promise<Buffer> {
    this.secret ??= crypto.randomBytes(32);
    return Buffer.from(this.secret);
  }
}

/**
 * Every storage port in memory: for tests and for trying the bot without state; nothing survives a restart. Bots in
 * one process may share it like replicas share a database (leases and notices included).
 */
export function createMemoryStorage(options: { readonly nowMs?: () => number } = {}): Storage {
  const notices = new MemoryNotices();
  const delivery = (gateway: string) => notices.emit({ gateway, kind: 'delivery' });
  const requests = new MemoryRequestStore(delivery);
  const outbox = new MemoryOutbox(delivery);
  const alerts = new MemoryAlerts();
  return {
    requests,
    claims: new MemoryClaims(),
    outbox,
    alerts,
    confirmations: new MemoryConfirmations(),
    audit: new MemoryAudit(),
    identities: new MemoryIdentities(),
    leases: new MemoryLeases({ requests, outbox, alerts }, options.nowMs),
    notices,
    close: async () => {},
  };
}
