/**
 * An in-process Slack that enforces Slack's rules (reference/slack-platform.md) over real loopback
 * sockets: the Web API, response_urls, Socket Mode, and signed HTTP deliveries to the app.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatContext } from './chat-methods.js';
import { Deliveries, type Transport } from './deliveries.js';
import type { DeliveryHandle } from './delivery-handle.js';
import { type FailSpec, FaultInjector, type HeldAnswer } from './faults.js';
import { FileUploads } from './files.js';
import { buildHomeOpenedEvent, homeOf } from './home.js';
import { createFakeSlackServer } from './http-server.js';
import type { InjectionAllowList } from './injection.js';
import type { WorkspaceIdentity } from './other-methods.js';
import type { ActionOptions, CommandFields } from './payloads.js';
import { ChannelRateLimiter } from './rate-limiter.js';
import { ResponseUrls } from './response-urls.js';
import { type DisconnectReason, SocketModeServer } from './socket-mode.js';
import { type ChannelSetup, SlackStore } from './store.js';
import { TriggerIds } from './triggers.js';
import type * as T from './types.js';
import { DEFAULT_GRANTED_SCOPES } from './types.js';
import { closeModal, openModalOf, type ViewSubmitOptions } from './view-submission.js';
import type { ViewActionOptions } from './views.js';
import { waitUntil } from './waiter.js';
import { WebApi } from './web-api.js';

export type { ActionOptions } from './payloads.js';
export type { ViewActionOptions } from './views.js';

export class FakeSlack {
  private readonly store: SlackStore;
  private readonly faults = new FaultInjector();
  private readonly identity: WorkspaceIdentity;
  private readonly triggers: TriggerIds;
  private readonly responseUrls: ResponseUrls;
  private readonly socket: SocketModeServer;
  private readonly deliveries: Deliveries;
  private readonly server: Server;
  private allowList: InjectionAllowList = {};
  private transport: Transport = { mode: 'socket' };
  private port = 0;
  private eventSeq = 0;

  constructor(options: T.FakeSlackOptions) {
    const nowMs = options.nowMs ?? Date.now;
    const ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.store = new SlackStore(nowMs);
    for (const [id, users] of Object.entries(options.usergroups ?? {})) this.store.usergroups.set(id, users);
    this.identity = {
      teamId: options.teamId,
      botUserId: options.botUserId,
      botId: options.botId ?? 'B0FAKEBOT',
      appId: options.appId ?? 'A0FAKEAPP',
      ...(options.enterpriseId ? { enterpriseId: options.enterpriseId } : {}),
    };
    this.triggers = new TriggerIds(nowMs);
    const chat: ChatContext = {
      store: this.store,
      allowList: () => this.allowList,
      botUserId: options.botUserId,
      botId: this.identity.botId,
    };
    this.responseUrls = new ResponseUrls(chat, () => this.baseUrl);
    this.socket = new SocketModeServer({
      store: this.store,
      appId: this.identity.appId,
      ackTimeoutMs,
      random: options.random ?? Math.random,
    });
    this.deliveries = new Deliveries({
      store: this.store,
      responseUrls: this.responseUrls,
      socket: this.socket,
      nowMs,
      ackTimeoutMs,
      signingSecret: options.signingSecret,
      triggers: this.triggers,
      identity: this.identity,
    });
    const rate = options.rateLimit ?? { perChannelPerSec: 1, burst: 3 };
    const files = new FileUploads(this.store, () => this.baseUrl);
    const webApi = new WebApi({
      store: this.store,
      faults: this.faults,
      limiter: new ChannelRateLimiter(rate.perChannelPerSec, rate.burst, nowMs),
      identity: this.identity,
      botToken: options.botToken,
      appToken: options.appToken,
      chat,
      triggers: this.triggers,
      files,
      openConnection: () => this.socket.mintUrl(`ws://127.0.0.1:${this.port}/`),
      scopes: options.scopes ?? DEFAULT_GRANTED_SCOPES,
      homeTabEnabled: options.homeTabEnabled ?? true,
    });
    const { store, faults, responseUrls, socket } = this;
    this.server = createFakeSlackServer({ store, faults, webApi, responseUrls, files, socket });
  }

  /** Listens on an ephemeral loopback port. Call before constructing a Bolt App (it calls auth.test at once). */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Closes Socket Mode connections and the HTTP server. */
  async stop(): Promise<void> {
    await this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Bolt's `clientOptions.slackApiUrl`. */
  get apiUrl(): string {
    return `${this.baseUrl}api/`;
  }

  // ---- workspace setup

  addChannel(id: string, setup?: ChannelSetup): void {
    this.store.addChannel(id, setup);
  }

  /** Makes the bot a member of `id` (a public channel unless the id starts with G or D). */
  joinChannel(id: string): void {
    this.store.joinChannel(id);
  }

  setUsergroup(id: string, userIds: readonly string[]): void {
    this.store.usergroups.set(id, userIds);
  }

  /** Puts messages posted before this Slack started (by the bot, in an earlier run) back into their channels. */
  restoreMessages(messages: readonly T.StoredMessage[]): void {
    for (const m of messages) {
      if (!this.store.channels.has(m.channel)) this.store.addChannel(m.channel);
      this.store.restoreMessage(m);
    }
  }

  /** A message posted by a person (the bot cannot chat.update it). Returns its ts. */
  addUserMessage(channel: string, user: string, text: string): string {
    if (!this.store.channels.has(channel)) this.store.addChannel(channel);
    return this.store.addMessage({ channel, user, botPosted: false, via: 'user', text }).ts;
  }

  /** Mentions and links the bot may emit on purpose; anything else in mrkdwn is a violation. */
  allowInjection(list: InjectionAllowList): void {
    this.allowList = list;
  }

  // ---- fault injection

  /** The next `times` calls of a Web API method (or `response_url`) answer `status` (429 with Retry-After). */
  failNext(method: string, spec: FailSpec): void {
    this.faults.failNext(method, spec);
  }

  /** The next `times` calls of a Web API method (or `response_url`) lose their connection without a response. */
  dropNext(method: string, times = 1): void {
    this.faults.dropNext(method, times);
  }

  /** The next call of a Web API method is applied at once, but its answer waits for `release()`. */
  holdNext(method: string): HeldAnswer {
    return this.faults.holdNext(method);
  }

  /** How many 429s were answered, for one method or in total. */
  count429(method?: string): number {
    return this.faults.counted('status:429', method);
  }

  // ---- inspection

  /** Top-level messages of a channel (thread replies excluded), oldest first. */
  messages(channel: string): T.StoredMessage[] {
    return this.store.messages.filter((m) => m.channel === channel && (m.thread_ts ?? m.ts) === m.ts);
  }

  threadReplies(channel: string, threadTs: string): T.StoredMessage[] {
    return this.store.messages.filter((m) => m.channel === channel && m.thread_ts === threadTs && m.ts !== threadTs);
  }

  /** A person deletes a message (and its thread) in the Slack client; later chat.update calls get message_not_found. */
  deleteMessage(channel: string, ts: string): void {
    for (const m of this.store.messages.filter((x) => x.channel === channel && (x.ts === ts || x.thread_ts === ts))) {
      this.store.removeMessage(m);
    }
  }

  /** Ephemeral messages still shown (not deleted), optionally for one channel and/or user. */
  ephemerals(filter: { readonly channel?: string; readonly user?: string } = {}): T.EphemeralMessage[] {
    const { channel, user } = filter;
    return this.store.ephemerals.filter(
      (e) => !e.deleted && (!channel || e.channel === channel) && (!user || e.user === user),
    );
  }

  calls(method?: string): T.RecordedCall[] {
    return this.store.calls.filter((c) => method === undefined || c.method === method);
  }

  /** Resolves with the `count`-th call of `method` once it has been answered; rejects after `timeoutMs` (default 2000). */
  waitForCall(
    method: string,
    opts: { readonly count?: number; readonly timeoutMs?: number } = {},
  ): Promise<T.RecordedCall> {
    const count = opts.count ?? 1;
    const check = () => this.calls(method)[count - 1];
    return waitUntil(this.store.events, ['call'], check, opts.timeoutMs ?? 2000, `${method} call #${count}`);
  }

  responses(responseUrlId?: string): T.ResponseDelivery[] {
    return this.store.responses.filter((r) => responseUrlId === undefined || r.responseUrlId === responseUrlId);
  }

  views(): T.JsonObject[] {
    return [...this.store.views];
  }

  files(): T.JsonObject[] {
    return [...this.store.files];
  }

  get warnings(): readonly T.FakeWarning[] {
    return this.store.warnings;
  }

  /** Injection findings in accepted outgoing content; a well-behaved bot leaves this empty. */
  get violations(): readonly T.InjectionViolation[] {
    return this.store.violations;
  }

  /** Slow, missing, late or unknown acks; a well-behaved app leaves this empty. */
  get failures(): readonly T.DeliveryFailure[] {
    return this.store.failures;
  }

  // ---- delivering to the app

  /** Sends later deliveries to an HTTP-mode app. */
  useHttp(target: T.HttpTarget, options?: T.HttpDeliveryOptions): void {
    this.transport = { mode: 'http', target, ...(options ? { options } : {}) };
  }

  /** Sends later deliveries over Socket Mode (the default). */
  useSocketMode(): void {
    this.transport = { mode: 'socket' };
  }

  /** Runs a slash command (default `/openclaw`) on the current transport. */
  command(text: string, fields: Omit<CommandFields, 'text'> = {}): Promise<DeliveryHandle> {
    return this.sendCommand({ ...fields, text });
  }

  /** Runs a slash command; over HTTP to `target` when given, else on the current transport. */
  sendCommand(fields: CommandFields, target?: T.HttpTarget, options?: T.HttpDeliveryOptions): Promise<DeliveryHandle> {
    return this.deliveries.deliver(this.deliveries.commandDelivery(fields), this.pickTransport(target, options));
  }

  /** Clicks a button that the bot actually rendered in a stored or ephemeral message; rejects if there is none. */
  async action(opts: ActionOptions, target?: T.HttpTarget, options?: T.HttpDeliveryOptions): Promise<DeliveryHandle> {
    return this.deliveries.deliver(this.deliveries.clickDelivery(opts), this.pickTransport(target, options));
  }

  /** Clicks an element of an open modal (as the user it was opened for); rejects if there is none. */
  async clickInView(
    opts: ViewActionOptions,
    target?: T.HttpTarget,
    options?: T.HttpDeliveryOptions,
  ): Promise<DeliveryHandle> {
    return this.deliveries.deliver(this.deliveries.viewClickDelivery(opts), this.pickTransport(target, options));
  }

  /**
   * `userId` types `values` into the open modal and clicks its submit button: a view_submission on the current
   * transport. An ack without `response_action: "errors"` closes the modal (as Slack does).
   */
  async submitView(opts: ViewSubmitOptions): Promise<DeliveryHandle> {
    const handle = await this.deliveries.deliver(this.deliveries.viewSubmissionDelivery(opts), this.pickTransport());
    const body = handle.ackBody as { response_action?: unknown } | undefined;
    if (handle.acked && body?.response_action !== 'errors') closeModal(this.store, opts.viewId);
    return handle;
  }

  /** `userId` closes the open modal with Cancel: nothing is sent unless the view set notify_on_close. */
  async closeView(viewId: string, userId: string): Promise<DeliveryHandle | undefined> {
    const view = openModalOf(this.store, viewId, userId);
    const handle =
      view.notify_on_close === true
        ? await this.deliveries.deliver(this.deliveries.viewClosedDelivery(viewId, userId), this.pickTransport())
        : undefined;
    closeModal(this.store, viewId);
    return handle;
  }

  /** The current state of a view opened with views.open (and changed by views.update). */
  view(id: string): T.JsonObject | undefined {
    return this.store.views.find((v) => v.id === id);
  }

  /** Delivers a raw interaction payload; adds a fresh `response_url`/`trigger_id` unless the payload has them. */
  sendAction(payload: T.JsonObject, target?: T.HttpTarget, options?: T.HttpDeliveryOptions): Promise<DeliveryHandle> {
    return this.deliveries.deliver(this.deliveries.rawActionDelivery(payload), this.pickTransport(target, options));
  }

  /** The Home tab view published for `userId` (views.publish), if any. */
  home(userId: string): T.JsonObject | undefined {
    return homeOf(this.store, userId);
  }

  /**
   * `userId` opens the app's Home tab (or its Messages tab): an `app_home_opened` event on the current transport,
   * with the view published before, if any. Resolves after the ack.
   */
  openHome(
    userId: string,
    opts: { readonly tab?: 'home' | 'messages'; readonly target?: T.HttpTarget } = {},
  ): Promise<DeliveryHandle> {
    this.eventSeq += 1;
    const payload = buildHomeOpenedEvent({
      store: this.store,
      teamId: this.identity.teamId,
      appId: this.identity.appId,
      botUserId: this.identity.botUserId,
      user: userId,
      tab: opts.tab ?? 'home',
      eventId: `Ev${String(this.eventSeq).padStart(9, '0')}`,
    });
    return this.deliveries.deliver(this.deliveries.eventDelivery(payload), this.pickTransport(opts.target));
  }

  /** Mints a trigger_id (for testing views.open directly). */
  mintTriggerId(): string {
    return this.triggers.mint();
  }

  /** Sends a Socket Mode `disconnect` message to every connection. */
  disconnect(reason: DisconnectReason): void {
    this.socket.disconnect(reason);
  }

  get socketConnectionCount(): number {
    return this.socket.connectionCount;
  }

  /** Resolves once `count` Socket Mode connections are open (after `hello` was sent). */
  waitForSocketConnections(count = 1, opts: { readonly timeoutMs?: number } = {}): Promise<number> {
    return this.socket.waitForConnections(count, opts.timeoutMs ?? 5000);
  }

  private pickTransport(target?: T.HttpTarget, options?: T.HttpDeliveryOptions): Transport {
    return target ? { mode: 'http', target, ...(options ? { options } : {}) } : this.transport;
  }
}
