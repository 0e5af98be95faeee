/** Public surface of the fake Slack for integration tests, benchmarks and renderer unit tests. */
export {
  CUMULATIVE_TEXT_LIMIT,
  countBlocksText,
  MAX_BLOCKS,
  type Surface,
  validateBlocks,
} from './block-kit-validator.js';
export { validateModalView } from './block-kit-view.js';
export type { DeliveryHandle } from './delivery-handle.js';
export { FakeSlack } from './fake-slack.js';
export type { FailSpec } from './faults.js';
export { detectInjection, type InjectionAllowList, scanMessageForInjection } from './injection.js';
export type { ActionOptions, CommandFields } from './payloads.js';
export { signSlackRequest } from './signing.js';
export type { DisconnectReason } from './socket-mode.js';
export type * from './types.js';
export { FakeSlackTimeoutError } from './waiter.js';
