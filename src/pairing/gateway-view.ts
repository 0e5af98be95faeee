import type { PairingGateway } from './ports.js';
import { toDeviceRequest, toNodeRequest } from './to-request.js';
import type { PairingRequest, RequestKind, RequestRecord } from './types.js';

/** Reads the gateway's current pending request with this id, as the bot would show it; undefined when gone. */
export async function readPendingRequest(
  gateway: PairingGateway,
  kind: RequestKind,
  requestId: string,
  nowMs: number,
): Promise<PairingRequest | undefined> {
  if (kind === 'node') {
    const list = await gateway.pairList();
    const raw = list.pending.find((r) => r.requestId === requestId);
    return raw
      ? toNodeRequest(
          raw,
          list.paired.find((p) => p.nodeId === raw.nodeId),
          nowMs,
        )
      : undefined;
  }
  const list = await gateway.devicePairList();
  const raw = list.pending.find((r) => r.requestId === requestId);
  return raw ? toDeviceRequest(raw, nowMs) : undefined;
}

/** Allowed clock difference between the gateway's approvedAtMs and our claim time. */
const CLOCK_SKEW_MS = 60_000;

/** Whether the subject of a request that left the pending list ended up approved (since `sinceMs`). */
export async function wasApproved(gateway: PairingGateway, record: RequestRecord, sinceMs: number): Promise<boolean> {
  const subject = record.request.subjectId;
  if (record.kind === 'node') {
    const paired = (await gateway.pairList()).paired.find((p) => p.nodeId === subject);
    return paired !== undefined && (paired.approvedAtMs ?? Number.POSITIVE_INFINITY) >= sinceMs - CLOCK_SKEW_MS;
  }
  const device = (await gateway.devicePairList()).paired.find((d) => d.deviceId === subject);
  return device?.approvedAtMs !== undefined && device.approvedAtMs >= sinceMs - CLOCK_SKEW_MS;
}
