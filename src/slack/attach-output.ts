import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { describeSlackError } from './slack-errors.js';

/** Output too long for a message, to be attached in full. Raw text: it is a file's content, never mrkdwn. */
export interface Attachment {
  readonly filename: string;
  readonly content: string;
  readonly title: string;
}

/**
 * Uploads full output where the answer went: the channel for a shared answer, else a DM with the caller (an
 * ephemeral answer must not become visible to the channel). Failures are logged; the answer already says it was cut.
 */
export async function attachOutput(
  client: Pick<WebClient, 'files' | 'conversations'>,
  target: { userId: string; channelId: string; shared: boolean },
  attachment: Attachment,
  log: Logger,
): Promise<boolean> {
  try {
    const channelId = target.shared
      ? target.channelId
      : ((await client.conversations.open({ users: target.userId })).channel?.id ?? '');
    await client.files.uploadV2({
      channel_id: channelId,
      filename: attachment.filename,
      title: attachment.title,
      content: attachment.content,
    });
    return true;
  } catch (err) {
    log.warn({ err }, `could not attach the full output: ${describeSlackError(err)}`);
    return false;
  }
}
