/** trigger_ids: minted per delivery, usable once, within 3 s (reference §3). */
import { randomBytes } from 'node:crypto';

/** How long a trigger_id can be exchanged for a modal. */
export const TRIGGER_TTL_MS = 3000;
const FORMAT = /^\d+\.\d+\.[0-9a-f]+$/;

export class TriggerIds {
  private readonly minted = new Map<string, { atMs: number; used: boolean; user: string | undefined }>();
  private seq = 0;

  constructor(private readonly nowMs: () => number) {}

  /** A new trigger_id in Slack's `123.456.hex` shape, for the user whose action produced it. */
  mint(user?: string): string {
    this.seq++;
    const id = `${Math.floor(this.nowMs())}${this.seq}.${this.seq}.${randomBytes(16).toString('hex')}`;
    this.minted.set(id, { atMs: this.nowMs(), used: false, user });
    return id;
  }

  /** Uses a trigger_id up; returns `ok` or the views.open error. */
  exchange(id: unknown): 'ok' | 'invalid_trigger_id' | 'expired_trigger_id' | 'exchanged_trigger_id' {
    const entry = typeof id === 'string' ? this.minted.get(id) : undefined;
    if (!entry || typeof id !== 'string' || !FORMAT.test(id)) return 'invalid_trigger_id';
    if (entry.used) return 'exchanged_trigger_id';
    if (this.nowMs() - entry.atMs > TRIGGER_TTL_MS) return 'expired_trigger_id';
    entry.used = true;
    return 'ok';
  }

  /** The user a trigger_id was minted for (a modal opened with it is shown to that user only). */
  userOf(id: unknown): string | undefined {
    return typeof id === 'string' ? this.minted.get(id)?.user : undefined;
  }
}
