import type { RenderedMessage } from '../../slack/blocks/block-kit.js';
import { context, FALLBACK_MAX, section } from '../../slack/blocks/block-kit.js';
import { escapeMrkdwn, truncate } from '../../slack/escape.js';

/** A short success message: `title` and `detail` are plain text and are escaped here. */
export function renderNotice(title: string, detail?: string): RenderedMessage {
  const body = truncate(escapeMrkdwn(title), 2_000);
  const more = detail ? truncate(escapeMrkdwn(detail), 2_000) : undefined;
  return {
    text: truncate(more ? `${body} ${more}` : body, FALLBACK_MAX),
    blocks: [
      section('notice.title', `:white_check_mark: ${body}`),
      ...(more ? [context('notice.detail', [more])] : []),
    ],
  };
}
