/**
 * Row 1's CLI poller, in a process of its own: `openclaw nodes pending --json` back to back against one gateway,
 * printing a `SEEN {…}` line the first time each request is listed and, once SIGTERM asks it to stop (after the poll
 * in flight), one `SUMMARY {…}` line. Each poll spawns a CLI process, and spawning blocks the spawner's event loop
 * for milliseconds: in the bench's own process that stall landed on the bot it measures.
 *
 * Usage: node --import tsx cli-poller-process.ts '{"url":…,"token":…,"home":…,"maxPolls":…}'
 */
import { pendingNodeRequestsViaCli } from '../../e2e/support/gateway-cli.js';
import { sleep } from './clock.js';

const { url, token, home, maxPolls } = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  token: string;
  home: string;
  maxPolls: number;
};

let stopped = false;
process.once('SIGTERM', () => {
  stopped = true;
});

const seen = new Set<string>();
const pollMs: number[] = [];
let errors = 0;
for (let polls = 0; !stopped && polls < maxPolls; polls += 1) {
  const startedMs = Date.now();
  try {
    const pending = await pendingNodeRequestsViaCli({ url, token, home });
    const seenAtMs = Date.now();
    pollMs.push(seenAtMs - startedMs);
    for (const { requestId, ts } of pending) {
      if (seen.has(requestId)) continue;
      seen.add(requestId);
      process.stdout.write(`SEEN ${JSON.stringify({ requestId, ts, seenAtMs })}\n`);
    }
  } catch {
    errors += 1;
    await sleep(100);
  }
}
process.stdout.write(`SUMMARY ${JSON.stringify({ pollMs, errors })}\n`);
process.exit(0);
