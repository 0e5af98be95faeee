/**
 * The Web API under `/api/<method>`: token check, fault injection, the chat.postMessage rate limit,
 * then the method. Always HTTP 200 with `ok`, except 429 (with Retry-After) and injected 5xx.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ChatContext, postEphemeral, postMessage, updateMessage } from './chat-methods.js';
import type { FaultInjector } from './faults.js';
import type { FileUploads } from './files.js';
import { conversationHistory, conversationOpen, conversationReplies } from './history-methods.js';
import { publishView } from './home.js';
import {
  authTest,
  conversationInfo,
  listUsergroupUsers,
  openView,
  pushView,
  updateView,
  type WorkspaceIdentity,
} from './other-methods.js';
import type { ChannelRateLimiter } from './rate-limiter.js';
import { parseApiArgs, readBody } from './request-body.js';
import { requiredScope } from './scopes.js';
import type { SlackStore } from './store.js';
import type { TriggerIds } from './triggers.js';
import type { JsonObject } from './types.js';

export interface WebApiDeps {
  readonly store: SlackStore;
  readonly faults: FaultInjector;
  readonly limiter: ChannelRateLimiter;
  readonly identity: WorkspaceIdentity;
  readonly botToken: string;
  readonly appToken: string | undefined;
  readonly chat: ChatContext;
  readonly triggers: TriggerIds;
  readonly files: FileUploads;
  /** apps.connections.open: mints a single-use Socket Mode URL. */
  readonly openConnection: () => JsonObject;
  /** Bot scopes the install granted. */
  readonly scopes: readonly string[];
  /** The app has a Home tab (manifest `features.app_home.home_tab_enabled`): else views.publish is `not_enabled`. */
  readonly homeTabEnabled: boolean;
}

type Handler = (args: JsonObject) => JsonObject;

/** Writes a JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: JsonObject,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export class WebApi {
  private readonly handlers: Readonly<Record<string, Handler>>;

  constructor(private readonly deps: WebApiDeps) {
    const { store, chat, triggers, files, identity } = deps;
    this.handlers = {
      'auth.test': () => authTest(identity),
      'chat.postMessage': (a) => postMessage(a, chat),
      'chat.update': (a) => updateMessage(a, chat),
      'chat.postEphemeral': (a) => postEphemeral(a, chat),
      'views.open': (a) => openView(a, store, triggers, identity.appId),
      'views.update': (a) => updateView(a, store),
      'views.push': (a) => pushView(a, store, triggers, identity.appId),
      'views.publish': (a) =>
        publishView(
          a,
          store,
          {
            appId: identity.appId,
            teamId: identity.teamId,
            botId: identity.botId,
            homeTabEnabled: deps.homeTabEnabled,
          },
          chat.allowList(),
        ),
      'usergroups.users.list': (a) => listUsergroupUsers(a, store),
      'conversations.info': (a) => conversationInfo(a, store),
      'conversations.history': (a) => conversationHistory(a, chat),
      'conversations.replies': (a) => conversationReplies(a, chat),
      'conversations.open': (a) => conversationOpen(a, chat),
      'files.getUploadURLExternal': (a) => files.getUploadUrl(a),
      'files.completeUploadExternal': (a) => files.complete(a),
      'apps.connections.open': () => deps.openConnection(),
    };
  }

  /** Serves one `/api/<method>` request. */
  async handle(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    const receivedAtMs = this.deps.store.nowMs();
    const raw = await readBody(req);
    const parsed = parseApiArgs(req.headers['content-type'], raw, query);
    const args = parsed.ok ? parsed.args : {};
    const granted: Record<string, string> =
      method === 'apps.connections.open' ? {} : { 'x-oauth-scopes': this.deps.scopes.join(',') };
    const hold = this.deps.faults.takeHold(method);
    const answer = (status: number, body: JsonObject | undefined, extra: Record<string, string> = {}): void => {
      const headers = { ...granted, ...extra };
      const atMs = this.deps.store.nowMs();
      this.deps.store.recordCall({ method, args, httpStatus: status, response: body, atMs, receivedAtMs });
      if (hold) {
        hold.arrive();
        void hold.gate.then(() => sendJson(res, status, body ?? {}, headers));
        return;
      }
      if (body === undefined) {
        this.deps.faults.count(method, 'drop');
        req.socket.destroy();
        return;
      }
      if (status !== 200) this.deps.faults.count(method, `status:${status}`);
      sendJson(res, status, body, headers);
    };
    const fault = this.deps.faults.take(method);
    if (fault?.kind === 'drop') return answer(0, undefined);
    if (fault?.kind === 'fail') {
      const retryAfter: Record<string, string> =
        fault.spec.status === 429 ? { 'retry-after': String(fault.spec.retryAfterSec ?? 1) } : {};
      const error = fault.spec.status === 429 ? 'ratelimited' : 'fatal_error';
      return answer(fault.spec.status, { ok: false, error }, retryAfter);
    }
    if (!parsed.ok) return answer(200, { ok: false, error: parsed.error });
    const authError = this.checkToken(method, req.headers.authorization, args.token);
    if (authError) return answer(200, { ok: false, error: authError });
    const handler = this.handlers[method];
    if (!handler) return answer(200, { ok: false, error: 'unknown_method' });
    const needed = requiredScope(method, args);
    if (needed !== undefined && !this.deps.scopes.includes(needed)) {
      return answer(200, { ok: false, error: 'missing_scope', needed, provided: this.deps.scopes.join(',') });
    }
    if (method === 'chat.postMessage') {
      const waitSec = this.deps.limiter.take(typeof args.channel === 'string' ? args.channel : '');
      if (waitSec > 0) return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(waitSec) });
    }
    return answer(200, handler(args));
  }

  /** Bearer header or body `token`: the bot token for methods, the app token for apps.connections.open. */
  private checkToken(method: string, authorization: string | undefined, bodyToken: unknown): string | undefined {
    const bearer = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    const token = bearer ?? (typeof bodyToken === 'string' ? bodyToken : undefined);
    if (!token) return 'not_authed';
    const wanted = method === 'apps.connections.open' ? this.deps.appToken : this.deps.botToken;
    const other = method === 'apps.connections.open' ? this.deps.botToken : this.deps.appToken;
    if (wanted !== undefined && token === wanted) return undefined;
    return token === other ? 'not_allowed_token_type' : 'invalid_auth';
  }
}
