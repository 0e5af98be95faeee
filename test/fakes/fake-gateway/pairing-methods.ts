import { invalidRequest, missingScope } from './frames.js';
import type { MethodContext, MethodSpec } from './methods.js';
import { findMissingScope, Scope } from './scopes.js';
import { renderPairedNode } from './views.js';

/** `node.pair.*` and `device.pair.*` handlers (reference §5.2, §7, §8). */

function unknownRequest(): Error {
  return invalidRequest('unknown requestId');
}

function str(params: Record<string, unknown>, key: string): string {
  return String(params[key]);
}

function listNodePairs(ctx: MethodContext): unknown {
  const paired = ctx.state
    .nodes()
    .filter((node) => node.approvalState === 'approved')
    .map(renderPairedNode);
  return { pending: ctx.state.pendingNodeRequests(), paired };
}

function approveNodePair(ctx: MethodContext, params: Record<string, unknown>): unknown {
  const requestId = str(params, 'requestId');
  const request = ctx.state.nodeRequest(requestId);
  if (!request) throw unknownRequest();
  const missing = findMissingScope(ctx.scopes, request.requiredApproveScopes);
  if (missing) throw missingScope(missing, request.requiredApproveScopes);
  const node = ctx.state.approveNodeRequest(requestId);
  if (!node) throw unknownRequest();
  return { requestId, node: renderPairedNode(node) };
}

function rejectNodePair(ctx: MethodContext, params: Record<string, unknown>): unknown {
  const request = ctx.state.rejectNodeRequest(str(params, 'requestId'));
  if (!request) throw unknownRequest();
  return { requestId: request.requestId, nodeId: request.nodeId };
}

function removeNodePair(ctx: MethodContext, params: Record<string, unknown>): unknown {
  const nodeId = str(params, 'nodeId');
  if (!ctx.state.removeNode(nodeId)) throw invalidRequest('unknown nodeId');
  return { nodeId };
}

function listDevicePairs(ctx: MethodContext): unknown {
  const paired = ctx.state.devices
    .pairedDevices()
    .map((device) => ({ ...device, connected: ctx.isDeviceConnected(device.deviceId) }));
  return { pending: ctx.state.devices.pendingRequests(), paired };
}

function approveDevicePair(ctx: MethodContext, params: Record<string, unknown>): unknown {
  const requestId = str(params, 'requestId');
  const device = ctx.state.devices.approve(requestId);
  if (!device) throw unknownRequest();
  return { requestId, device };
}

function rejectDevicePair(ctx: MethodContext, params: Record<string, unknown>): unknown {
  const request = ctx.state.devices.reject(str(params, 'requestId'));
  if (!request) throw unknownRequest();
  return { requestId: request.requestId, deviceId: request.deviceId };
}

function removeDevicePair(ctx: MethodContext, params: Record<string, unknown>): unknown {
  const deviceId = str(params, 'deviceId');
  if (!ctx.state.devices.remove(deviceId)) throw invalidRequest('unknown deviceId');
  ctx.closeDeviceSessions(deviceId, 4001, 'device removed');
  return { deviceId };
}

/** All pairing methods need `operator.pairing`; node approval additionally checks `requiredApproveScopes`. */
export const PAIRING_METHODS: Record<string, MethodSpec> = {
  'node.pair.list': { scope: Scope.pairing, schema: 'NodePairListParams', handle: listNodePairs },
  'node.pair.approve': { scope: Scope.pairing, schema: 'NodePairApproveParams', handle: approveNodePair },
  'node.pair.reject': { scope: Scope.pairing, schema: 'NodePairRejectParams', handle: rejectNodePair },
  'node.pair.remove': { scope: Scope.pairing, schema: 'NodePairRemoveParams', handle: removeNodePair },
  'device.pair.list': { scope: Scope.pairing, schema: 'DevicePairListParams', handle: listDevicePairs },
  'device.pair.approve': { scope: Scope.pairing, schema: 'DevicePairApproveParams', handle: approveDevicePair },
  'device.pair.reject': { scope: Scope.pairing, schema: 'DevicePairRejectParams', handle: rejectDevicePair },
  'device.pair.remove': { scope: Scope.pairing, schema: 'DevicePairRemoveParams', handle: removeDevicePair },
};
