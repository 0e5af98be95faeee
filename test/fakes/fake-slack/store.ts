/** The fake workspace's state: channels and membership, messages, ephemerals, and what the tests inspect. */
import { EventEmitter } from 'node:events';
import type {
  DeliveryFailure,
  EphemeralMessage,
  FakeWarning,
  InjectionViolation,
  JsonObject,
  RecordedCall,
  ResponseDelivery,
  StoredMessage,
} from './types.js';

export interface ChannelSetup {
  readonly name?: string;
  /** Defaults from the id: `G…` private, `D…` a DM, otherwise public. */
  readonly isPrivate?: boolean;
  readonly isMember?: boolean;
  /** Users in the channel; when set, chat.postEphemeral to anyone else is `user_not_in_channel`. */
  readonly members?: readonly string[];
}

export interface ChannelState {
  readonly id: string;
  readonly name: string;
  readonly isPrivate: boolean;
  readonly isIm: boolean;
  isMember: boolean;
  readonly members?: ReadonlySet<string>;
}

/** Events: `response` (ResponseDelivery), `failure` (DeliveryFailure), `call` (RecordedCall). */
export class SlackStore {
  readonly events = new EventEmitter();
  readonly channels = new Map<string, ChannelState>();
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly views: JsonObject[] = [];
  /** Views ever opened (ids stay unique after a modal closes). */
  viewsOpened = 0;
  readonly files: JsonObject[] = [];
  readonly calls: RecordedCall[] = [];
  readonly responses: ResponseDelivery[] = [];
  readonly warnings: FakeWarning[] = [];
  readonly violations: InjectionViolation[] = [];
  readonly failures: DeliveryFailure[] = [];
  readonly usergroups = new Map<string, readonly string[]>();
  private lastMicros = 0;

  constructor(readonly nowMs: () => number) {
    this.events.setMaxListeners(0);
  }

  /** A unique, increasing Slack timestamp (`seconds.micros`). */
  nextTs(): string {
    this.lastMicros = Math.max(Math.floor(this.nowMs() * 1000), this.lastMicros + 1);
    const micros = String(this.lastMicros % 1_000_000).padStart(6, '0');
    return `${Math.floor(this.lastMicros / 1_000_000)}.${micros}`;
  }

  /** Creates or replaces a channel. */
  addChannel(id: string, setup: ChannelSetup = {}): ChannelState {
    const state: ChannelState = {
      id,
      name: setup.name ?? id.toLowerCase(),
      isPrivate: setup.isPrivate ?? (id.startsWith('G') || id.startsWith('D')),
      isIm: id.startsWith('D'),
      isMember: setup.isMember ?? false,
      ...(setup.members ? { members: new Set(setup.members) } : {}),
    };
    this.channels.set(id, state);
    return state;
  }

  /** Makes the bot a member, creating the channel when unknown. */
  joinChannel(id: string): void {
    const channel = this.channels.get(id) ?? this.addChannel(id);
    channel.isMember = true;
  }

  /** Whether the bot may post: `not_in_channel` for a public channel it is not in, `channel_not_found` otherwise. */
  checkPostAccess(id: string): 'ok' | 'not_in_channel' | 'channel_not_found' {
    const channel = this.channels.get(id);
    if (!channel) return 'channel_not_found';
    if (channel.isMember) return 'ok';
    return channel.isPrivate ? 'channel_not_found' : 'not_in_channel';
  }

  /** Stores a message and returns it. */
  addMessage(fields: Omit<StoredMessage, 'ts' | 'edits'>): StoredMessage {
    const message: StoredMessage = { ...fields, ts: this.nextTs(), edits: 0 };
    this.messages.push(message);
    return message;
  }

  /** Stores a message exactly as given (ts included): a workspace's history from before a test started. */
  restoreMessage(message: StoredMessage): void {
    this.messages.push({ ...message });
    const micros = Math.round(Number(message.ts) * 1_000_000);
    this.lastMicros = Math.max(this.lastMicros, micros);
  }

  /** Stores an ephemeral message and returns it. */
  addEphemeral(fields: Omit<EphemeralMessage, 'ts' | 'deleted'>): EphemeralMessage {
    const message: EphemeralMessage = { ...fields, ts: this.nextTs(), deleted: false };
    this.ephemerals.push(message);
    return message;
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  findEphemeral(channel: string, ts: string): EphemeralMessage | undefined {
    return this.ephemerals.find((m) => m.channel === channel && m.ts === ts);
  }

  removeMessage(message: StoredMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }

  recordCall(call: RecordedCall): void {
    this.calls.push(call);
    this.events.emit('call', call);
  }

  recordResponse(delivery: ResponseDelivery): void {
    this.responses.push(delivery);
    this.events.emit('response', delivery);
  }

  recordFailure(kind: DeliveryFailure['kind'], detail: string): void {
    const failure: DeliveryFailure = { kind, detail, atMs: this.nowMs() };
    this.failures.push(failure);
    this.events.emit('failure', failure);
  }

  warn(method: string, warning: string): void {
    this.warnings.push({ method, warning });
  }
}
