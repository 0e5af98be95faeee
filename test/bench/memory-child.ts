/**
 * Child process for row 6: runs ONLY the bot (no fakes; the parent serves the fake gateway and Slack),
 * so its RSS is the bot's own plus Node's. The parent transpiles it (and src/) to JS and runs it with
 * `node --expose-gc`; it also runs under `--import tsx`.
 * argv[2]: `bot` or `baseline` (nothing started: Node + tsx alone); argv[3]: the env map for loadConfig.
 * IPC: sends {type:'ready'}; answers {type:'measure'} with {type:'memory', …}; {type:'stop'} ends it.
 */
import { Writable } from 'node:stream';
import type { Bot } from '../../src/bot.js';

interface MemoryReport {
  readonly type: 'memory';
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly maxRssMb: number;
}

const MB = 1024 * 1024;

function send(message: unknown): void {
  process.send?.(message);
}

async function measure(): Promise<MemoryReport> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i += 1) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return {
    type: 'memory',
    rssMb: usage.rss / MB,
    heapUsedMb: usage.heapUsed / MB,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

async function startOnlyTheBot(env: Record<string, string>): Promise<Bot> {
  const [{ startBot }, { loadConfig }, { createLogger }] = await Promise.all([
    import('../../src/bot.js'),
    import('../../src/config.js'),
    import('../../src/logger.js'),
  ]);
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const bot = await startBot({ config: loadConfig(env), log: createLogger('info', sink) });
  await Promise.all(bot.gateways.all().map((g) => g.client.waitUntilConnected(30_000)));
  return bot;
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const bot = mode === 'bot' ? await startOnlyTheBot(JSON.parse(process.argv[3] ?? '{}')) : undefined;
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'measure') void measure().then(send);
    if (message.type === 'stop') {
      void (bot?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
