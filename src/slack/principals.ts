import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';

interface CacheEntry {
  members: ReadonlySet<string>;
  expiresAtMs: number;
}

/** Resolves Slack user ids and user group ids (`S…`, via usergroups.users.list, cached briefly) to a membership answer. */
export class Principals {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<ReadonlySet<string>>>();

  constructor(
    private readonly client: Pick<WebClient, 'usergroups'>,
    private readonly log: Logger,
    private readonly ttlMs = 60_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** True when `userId` is listed directly or is a member of a listed user group. Fails closed when groups cannot be read. */
  isMember = async (userId: string, principals: readonly string[]): Promise<boolean> => {
    if (principals.includes(userId)) return true;
    for (const group of principals.filter((p) => p.startsWith('S'))) {
      if ((await this.members(group)).has(userId)) return true;
    }
    return false;
  };

  private async members(group: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(group);
    if (cached && cached.expiresAtMs > this.nowMs()) return cached.members;
    const running = this.inflight.get(group);
    if (running) return running;
    // A failed refresh may fall back to the last answer for one more TTL, never longer (fail closed).
    const stale = cached && cached.expiresAtMs + this.ttlMs > this.nowMs() ? cached.members : undefined;
    const lookup = this.fetch(group, stale).finally(() => this.inflight.delete(group));
    this.inflight.set(group, lookup);
    return lookup;
  }

  private async fetch(group: string, stale: ReadonlySet<string> | undefined): Promise<ReadonlySet<string>> {
    try {
      const result = await this.client.usergroups.users.list({ usergroup: group });
      const members = new Set(result.users ?? []);
      this.cache.set(group, { members, expiresAtMs: this.nowMs() + this.ttlMs });
      return members;
    } catch (err) {
      this.log.warn({ err, group }, 'cannot resolve user group members (needs the usergroups:read scope)');
      return stale ?? new Set();
    }
  }
}
