import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { describeSlackError, isTargetGone } from '../slack-errors.js';

export interface SlackCallsOptions {
  client: Pick<WebClient, 'chat' | 'conversations'>;
  log: Logger;
  /** Whether the token may read the channel back (history scopes): only then is a lost post looked up first. */
  canReadHistory: (channel: string) => boolean;
  onSlackError?: (method: string, code: string) => void;
}

/** The Web API as the delivery sources use it: every failure counted, a lost post looked up only when allowed. */
export class SlackCalls {
  private warnedNoHistory = false;

  constructor(private readonly options: SlackCallsOptions) {}

  get client(): Pick<WebClient, 'chat' | 'conversations'> {
    return this.options.client;
  }

  /** Runs one Web API call, reporting its failure (metrics) before rethrowing it. */
  async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.options.onSlackError?.(method, describeSlackError(err));
      throw err;
    }
  }

  /** Like `call`, but a target that no longer exists (deleted card or thread) yields undefined instead of an error. */
  async unlessGone<T>(method: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(method, fn);
    } catch (err) {
      if (isTargetGone(err)) return undefined;
      throw err;
    }
  }

  /** Whether a lost post can be looked up; without the history scopes it is posted again (warned once). */
  historyReadable(channel: string): boolean {
    if (this.options.canReadHistory(channel)) return true;
    if (!this.warnedNoHistory) {
      this.warnedNoHistory = true;
      this.options.log.warn(
        { channel },
        'a Slack post may have landed although its answer was lost; without channels:history/groups:history the bot cannot check, so it posts again (a duplicate card or reply is possible)',
      );
    }
    return false;
  }
}
