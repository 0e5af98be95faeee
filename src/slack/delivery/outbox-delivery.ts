import type { ApprovalReceipt, RequestRecord } from '../../pairing/types.js';
import { gatewayOfMessage, keyOf, type OutboxMessage, type RequestStore, type Storage } from '../../storage/ports.js';
import { context, section } from '../blocks/block-kit.js';
import { renderDecisionReply, renderReceiptReply } from '../blocks/decision-reply.js';
import { renderNodeAlert, renderNodeAlertReply } from '../blocks/node-alert.js';
import { renderReminder } from '../blocks/reminder.js';
import { escapeMrkdwn, truncate } from '../escape.js';
import type { DeliverySource } from './delivery-loop.js';
import { assertOwned, type DeliveryScope } from './delivery-scope.js';
import {
  ALERT_EVENT,
  findAlertTs,
  isAlertPosted,
  isReplyPosted,
  messageMetadata,
  REPLY_EVENT,
} from './posted-check.js';
import type { SlackCalls } from './slack-calls.js';

export interface OutboxDeliveryOptions {
  slack: SlackCalls;
  /** Reads (any process may read). */
  storage: Pick<Storage, 'requests' | 'outbox' | 'alerts'>;
  /** Who may decide a request (user and user group ids), for reminders to name. */
  decidersOf?: (record: RequestRecord) => readonly string[];
  /** How a node alert names its gateway (undefined with a single gateway). */
  gatewayLabel?: (gateway: string) => string | undefined;
  /** Whose messages this process delivers, and the stores it writes through. */
  scope: DeliveryScope;
  /** The receipt of an approval in effect right now, if it is: the decision's reply then carries it. */
  receiptNow?: (record: RequestRecord) => Promise<ApprovalReceipt | undefined>;
  nowMs?: () => number;
}

const BATCH = 1000;

/** Delivers queued messages once each: thread replies under cards, alerts in channels. */
export class OutboxDelivery implements DeliverySource {
  readonly name = 'outbox';
  private readonly nowMs: () => number;

  constructor(private readonly options: OutboxDeliveryOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Before the decision's reply goes out: when the approval is already in effect (known, or seen now), the reply says
   * so too, and the request notes it first (its own receipt message is then dropped; a retried reply says it again).
   * One post of Slack's per-channel limit instead of two.
   */
  private async receiptInReply(requests: RequestStore, record: RequestRecord): Promise<RequestRecord> {
    if (record.status !== 'approved' || record.kind !== 'node') return record;
    let current: RequestRecord | undefined = record;
    for (let attempt = 0; attempt < 3 && current; attempt += 1) {
      const known = current.approval?.receipt;
      if (known && (known.how !== 'connected' || known.inReply)) return current;
      const receipt = known ?? (await this.options.receiptNow?.(current));
      if (!receipt) return current;
      const approval = { ...current.approval, receipt: { ...receipt, inReply: true as const } };
      if (await requests.setApproval(keyOf(current), approval, current.version, this.nowMs()))
        return (await requests.get(keyOf(current))) ?? current;
      current = await requests.get(keyOf(current));
    }
    return current ?? record;
  }

  async isIdle(): Promise<boolean> {
    return (await this.options.storage.outbox.list(1, this.options.scope.gateways())).length === 0;
  }

  async deliver(): Promise<void> {
    const { requests } = this.options.storage;
    const { slack, scope } = this.options;
    for (const queued of await this.options.storage.outbox.list(BATCH, scope.gateways())) {
      const { message } = queued;
      const gateway = gatewayOfMessage(message);
      const outbox = scope.storesFor(gateway).outbox;
      if (message.kind === 'node-alert') {
        if (!(await this.deliverNodeAlert(message, queued.id, queued.attemptedAtMs))) continue;
      } else if (message.kind === 'decision-reply' || message.kind === 'reminder') {
        let record = await requests.get(message.request);
        if (message.kind === 'decision-reply' && !message.receipt && !message.ended && record?.ts)
          record = await this.receiptInReply(scope.storesFor(gateway).requests, record);
        if (!record?.ts || !record.channel) {
          // Never shown (resolved before its card was posted) or gone: nothing to reply under. Otherwise wait for it.
          if (!record || record.ts === '') await outbox.delete(queued.id);
          continue;
        }
        if (message.kind === 'reminder' && record.status !== 'pending') {
          // Decided meanwhile: a reminder is never posted for a decided request.
          await outbox.delete(queued.id);
          continue;
        }
        if (message.kind === 'decision-reply' && message.receipt && record.approval?.receipt?.inReply) {
          // The decision's own reply said it already.
          await outbox.delete(queued.id);
          continue;
        }

        const { channel, ts } = record;
        // A reply tried before may have landed although its answer was lost (or the bot crashed): look first.
        assertOwned(scope, [gateway]);
        const posted =
          queued.attemptedAtMs !== undefined &&
          slack.historyReadable(channel) &&
          (await slack.call('conversations.replies', () => isReplyPosted(slack.client, channel, ts, queued.id)));
        if (!posted) {
          await outbox.markAttempt(queued.id, this.nowMs());
          const reply =
            message.kind === 'reminder'
              ? renderReminder(record, message.n, this.options.decidersOf?.(record) ?? [])
              : message.receipt
                ? renderReceiptReply(record)
                : renderDecisionReply(record, message.ended === true);
          assertOwned(scope, [gateway]);
          await slack.call('chat.postMessage', () =>
            slack.client.chat.postMessage({
              channel,
              thread_ts: ts,
              ...reply,
              metadata: messageMetadata(REPLY_EVENT, queued.id),
            }),
          );
        }
      } else {
        const { channel } = message;
        assertOwned(scope, [gateway]);
        const posted =
          queued.attemptedAtMs !== undefined &&
          slack.historyReadable(channel) &&
          (await slack.call('conversations.history', () =>
            isAlertPosted(slack.client, channel, queued.id, queued.attemptedAtMs ?? queued.createdAtMs),
          ));
        if (!posted) {
          await outbox.markAttempt(queued.id, this.nowMs());
          const text = truncate(
            message.detail ? `${message.title} ${escapeMrkdwn(message.detail)}` : message.title,
            2_000,
          );
          const blocks = [
            section('alert.title', message.title),
            ...(message.detail ? [context('alert.detail', [truncate(escapeMrkdwn(message.detail), 2_000)])] : []),
          ];
          assertOwned(scope, [gateway]);
          await slack.call('chat.postMessage', () =>
            slack.client.chat.postMessage({ channel, text, blocks, metadata: messageMetadata(ALERT_EVENT, queued.id) }),
          );
        }
      }
      await outbox.delete(queued.id);
    }
  }

  /**
   * Posts a node alert (`open`), or re-renders it and replies in its thread (`update`). False when it must wait
   * (an update whose alert was not posted yet stays queued behind the post).
   */
  private async deliverNodeAlert(
    message: Extract<OutboxMessage, { kind: 'node-alert' }>,
    id: number,
    attemptedAtMs: number | undefined,
  ): Promise<boolean> {
    const { slack, scope } = this.options;
    const alert = await this.options.storage.alerts.get(message.gateway, message.key);
    if (!alert) return true;
    const rendered = renderNodeAlert(alert, this.options.gatewayLabel?.(alert.gateway));
    const stores = scope.storesFor(alert.gateway);
    if (message.change === 'open') {
      if (alert.ts) return true;
      assertOwned(scope, [alert.gateway]);
      const earlier =
        attemptedAtMs !== undefined && slack.historyReadable(alert.channel)
          ? await slack.call('conversations.history', () => findAlertTs(slack.client, alert.channel, id, attemptedAtMs))
          : undefined;
      let ts = earlier;
      if (!ts) {
        await stores.outbox.markAttempt(id, this.nowMs());
        assertOwned(scope, [alert.gateway]);
        const posted = await slack.call('chat.postMessage', () =>
          slack.client.chat.postMessage({
            channel: alert.channel,
            ...rendered,
            metadata: messageMetadata(ALERT_EVENT, id),
            unfurl_links: false,
          }),
        );
        ts = posted.ts;
      }
      if (ts) await stores.alerts.place(alert.gateway, alert.key, ts);
      return true;
    }
    if (!alert.ts) return false;
    const location = { channel: alert.channel, ts: alert.ts };
    assertOwned(scope, [alert.gateway]);
    await slack.unlessGone('chat.update', () => slack.client.chat.update({ ...location, ...rendered }));
    if (attemptedAtMs === undefined) {
      await stores.outbox.markAttempt(id, this.nowMs());
      const reply = renderNodeAlertReply(alert, message.recovered ?? [], this.nowMs());
      assertOwned(scope, [alert.gateway]);
      await slack.call('chat.postMessage', () =>
        slack.client.chat.postMessage({
          channel: alert.channel,
          thread_ts: alert.ts,
          ...reply,
          metadata: messageMetadata(REPLY_EVENT, id),
        }),
      );
    }
    return true;
  }
}
