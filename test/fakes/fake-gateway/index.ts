/** Public surface of the fake OpenClaw gateway for integration tests and benchmarks. */
export {
  ALL_OPERATOR_SCOPES,
  buildOperatorConnectParams,
  buildV3Payload,
  createDeviceKey,
  type DeviceKey,
  type OperatorConnectOptions,
  signV3,
} from './device-signing.js';
export type { ExecDecision, ExecRecord, ExecRequestInput } from './exec-approvals.js';
export { FakeGateway, type FakeGatewayOptions } from './fake-gateway.js';
export type { ObservedClose, ReceivedRequest } from './gateway-core.js';
export { GatewayHarness } from './harness.js';
export { createDefaultInvokeHandler, type InvokeCall, type InvokeHandler, NodeCommandError } from './node-invoke.js';
export { validateAgainst } from './protocol-schema.js';
export { connectOperator, type RawEvent, RawGatewayClient, type RawResponse } from './raw-client.js';
export type { SessionInfo } from './session.js';
export type { AddNodeInput, FakeNode, NodePairingInput, NodePairRequest } from './state.js';
