import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Principals } from '../../../src/slack/principals.js';

function groups(initial: Record<string, string[]>) {
  let failing = false;
  let calls = 0;
  const client = {
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          calls += 1;
          if (failing) throw new Error('ratelimited');
          return { ok: true, users: initial[usergroup] ?? [] };
        },
      },
    },
  };
  return { client, fail: () => (failing = true), calls: () => calls };
}

describe('Principals', () => {
  it('accepts listed users and members of listed groups, caching group members', async () => {
    let now = 0;
    const g = groups({ S0OPS: ['U0ALICE'] });
    const principals = new Principals(g.client as never, pino({ level: 'silent' }), 60_000, () => now);
    expect(await principals.isMember('U0BOB', ['U0BOB'])).toBe(true);
    expect(await principals.isMember('U0ALICE', ['S0OPS'])).toBe(true);
    expect(await principals.isMember('U0EVE', ['S0OPS'])).toBe(false);
    now = 30_000;
    await principals.isMember('U0ALICE', ['S0OPS']);
    expect(g.calls()).toBe(1);
  });

  it('fails closed when the group cannot be read for longer than one extra TTL', async () => {
    let now = 0;
    const g = groups({ S0OPS: ['U0ALICE'] });
    const principals = new Principals(g.client as never, pino({ level: 'silent' }), 60_000, () => now);
    expect(await principals.isMember('U0ALICE', ['S0OPS'])).toBe(true);
    g.fail();
    now = 90_000; // expired, refresh fails: the last answer still serves within one more TTL
    expect(await principals.isMember('U0ALICE', ['S0OPS'])).toBe(true);
    now = 121_000; // past two TTLs: nobody from that group is accepted any more
    expect(await principals.isMember('U0ALICE', ['S0OPS'])).toBe(false);
  });
});
