import crypto from 'node:crypto';

/** Device pairing records, pending device requests and device tokens (reference §5). */

export interface DevicePairRequest {
  requestId: string;
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  role: string;
  roles: string[];
  scopes: string[];
  silent: boolean;
  isRepair: boolean;
  ts: number;
}

export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  role: string;
  roles: string[];
  scopes: string[];
  approvedVia: 'silent' | 'owner';
  createdAtMs: number;
  approvedAtMs: number;
  tokens: { role: string; scopes: string[]; createdAtMs: number }[];
}

export type DevicePairingInput = Omit<DevicePairRequest, 'requestId' | 'roles' | 'silent' | 'isRepair' | 'ts'>;

export type PairingStatus =
  | { status: 'paired' }
  | { status: 'not-paired' }
  | { status: 'scope-upgrade'; approvedRoles: string[]; approvedScopes: string[] };

export type TokenCheck = 'ok' | 'mismatch' | 'scope-mismatch';

interface IssuedToken {
  token: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
}

type Emit = (event: string, payload: Record<string, unknown>) => void;

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

/** In-memory device registry with the gateway's event behaviour (reuse, supersede, silent expiry). */
export class DeviceRegistry {
  private readonly pending = new Map<string, DevicePairRequest>();
  private readonly paired = new Map<string, PairedDevice>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly preApproved = new Set<string>();

  constructor(
    private readonly nowMs: () => number,
    private readonly emit: Emit,
  ) {}

  /** Whether `deviceId` may connect with `role`/`scopes` without a new approval. */
  pairingStatus(deviceId: string, role: string, scopes: readonly string[]): PairingStatus {
    if (this.preApproved.has(deviceId)) return { status: 'paired' };
    const record = this.paired.get(deviceId);
    if (!record) return { status: 'not-paired' };
    if (record.roles.includes(role) && scopes.every((scope) => record.scopes.includes(scope))) {
      return { status: 'paired' };
    }
    return { status: 'scope-upgrade', approvedRoles: [...record.roles], approvedScopes: [...record.scopes] };
  }

  /** Creates or reuses the pending request; a changed scope set supersedes the old one. */
  requestPairing(input: DevicePairingInput): DevicePairRequest {
    const existing = [...this.pending.values()].find((request) => request.deviceId === input.deviceId);
    if (existing && existing.role === input.role && sameSet(existing.scopes, input.scopes)) return existing;
    if (existing) {
      this.pending.delete(existing.requestId);
      this.emitResolved(existing, 'rejected');
    }
    const request: DevicePairRequest = {
      ...input,
      requestId: crypto.randomUUID(),
      roles: [input.role],
      scopes: [...input.scopes],
      silent: false,
      isRepair: this.paired.has(input.deviceId),
      ts: this.nowMs(),
    };
    this.pending.set(request.requestId, request);
    this.emit('device.pair.requested', { ...request });
    return request;
  }

  approve(requestId: string): PairedDevice | undefined {
    const request = this.pending.get(requestId);
    if (!request) return undefined;
    this.pending.delete(requestId);
    const now = this.nowMs();
    const device: PairedDevice = {
      deviceId: request.deviceId,
      publicKey: request.publicKey,
      role: request.role,
      roles: [...request.roles],
      scopes: [...request.scopes],
      approvedVia: 'owner',
      createdAtMs: this.paired.get(request.deviceId)?.createdAtMs ?? now,
      approvedAtMs: now,
      tokens: [{ role: request.role, scopes: [...request.scopes], createdAtMs: now }],
    };
    for (const key of ['displayName', 'platform', 'clientId', 'clientMode'] as const) {
      if (request[key] !== undefined) device[key] = request[key];
    }
    this.paired.set(device.deviceId, device);
    this.emitResolved(request, 'approved');
    return device;
  }

  /** Test control: approve whatever `deviceId` asked for, or let it in with any scopes if nothing is pending. */
  approveDevice(deviceId: string): void {
    const requests = [...this.pending.values()].filter((request) => request.deviceId === deviceId);
    for (const request of requests) this.approve(request.requestId);
    if (requests.length === 0) this.preApproved.add(deviceId);
  }

  reject(requestId: string): DevicePairRequest | undefined {
    const request = this.pending.get(requestId);
    if (!request) return undefined;
    this.pending.delete(requestId);
    this.emitResolved(request, 'rejected');
    return request;
  }

  /** Removes the device, its tokens and pending requests. No event (reference §5.2). */
  remove(deviceId: string): boolean {
    const known = this.paired.delete(deviceId) || this.preApproved.delete(deviceId);
    this.tokens.delete(deviceId);
    for (const request of this.pending.values()) {
      if (request.deviceId === deviceId) this.pending.delete(request.requestId);
    }
    return known;
  }

  /** Drops a pending request without any event, as an expiry does. */
  expire(requestId: string): boolean {
    return this.pending.delete(requestId);
  }

  pendingRequests(): DevicePairRequest[] {
    return [...this.pending.values()].map((request) => structuredClone(request));
  }

  pairedDevices(): PairedDevice[] {
    return [...this.paired.values()].map((device) => structuredClone(device));
  }

  /** Returns the device's token, issuing one (43 chars, like the gateway's) on first use. */
  issueToken(deviceId: string, role: string, scopes: readonly string[]): { token: string; issuedAtMs: number } {
    let issued = this.tokens.get(deviceId);
    if (!issued) {
      issued = {
        token: crypto.randomBytes(32).toString('base64url'),
        role,
        scopes: [...scopes],
        issuedAtMs: this.nowMs(),
      };
      this.tokens.set(deviceId, issued);
    }
    return { token: issued.token, issuedAtMs: issued.issuedAtMs };
  }

  verifyToken(deviceId: string, token: string, scopes: readonly string[]): TokenCheck {
    const issued = this.tokens.get(deviceId);
    if (!issued || issued.token !== token) return 'mismatch';
    return scopes.every((scope) => issued.scopes.includes(scope)) ? 'ok' : 'scope-mismatch';
  }

  private emitResolved(request: DevicePairRequest, decision: 'approved' | 'rejected'): void {
    this.emit('device.pair.resolved', {
      requestId: request.requestId,
      deviceId: request.deviceId,
      decision,
      ts: this.nowMs(),
    });
  }
}
