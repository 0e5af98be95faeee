import type { App } from '@slack/bolt';
import type { CommandDeps } from '../../../commands/command-context.js';
import { runCommand } from '../../../commands/run-command.js';
import { attachOutput } from '../../attach-output.js';
import { respondReliably } from '../../respond-reliably.js';

/** `/openclaw …`: ack at once (even while the gateway is slow or down), answer through response_url. */
export function register(app: App, deps: CommandDeps, observeAckMs?: (ms: number) => void): void {
  app.command('/openclaw', async ({ ack, command, client }) => {
    const started = performance.now();
    await ack();
    observeAckMs?.(performance.now() - started);
    const log = deps.log.child({ user: command.user_id, channel: command.channel_id });
    // The subcommand only: arguments may hold anything (invoke params).
    log.debug({ subcommand: (command.text ?? '').trim().split(/\s+/)[0]?.slice(0, 32) || 'help' }, 'slash command');
    const answer = await runCommand(deps, command.text ?? '', command.user_id);
    const { share, attachment, ...message } = answer;
    await respondReliably(command.response_url, { ...message, response_type: share ? 'in_channel' : 'ephemeral' }, log);
    if (attachment) {
      const target = { userId: command.user_id, channelId: command.channel_id, shared: share === true };
      await attachOutput(client, target, attachment, log);
    }
  });
}
