/** Checks message content (text, blocks, metadata) as chat.* methods and response_urls do. */
import { CUMULATIVE_TEXT_LIMIT, countBlocksText, validateBlocks } from './block-kit-validator.js';
import { type InjectionAllowList, scanMessageForInjection } from './injection.js';
import { readBlocksArg, readMetadataArg } from './request-body.js';
import type { SlackStore } from './store.js';
import type { JsonObject } from './types.js';

/** Shared dependencies of the method handlers. */
export interface ContentContext {
  readonly store: SlackStore;
  readonly allowList: () => InjectionAllowList;
}

export interface MessageContent {
  readonly text: string;
  readonly blocks?: JsonObject[];
  readonly metadata?: JsonObject;
  readonly hasMetadataArg: boolean;
  readonly warnings: string[];
}

export type ContentResult =
  | { readonly ok: true; readonly content: MessageContent }
  | { readonly ok: false; readonly body: JsonObject };

/** Slack's error body for block violations: `errors` with json-pointers, echoed in `response_metadata.messages`. */
export function invalidBlocksBody(error: string, errors: readonly string[]): JsonObject {
  return { ok: false, error, errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}

export interface ContentRules {
  /** Source name for warnings and violations, e.g. `chat.postMessage`. */
  readonly source: string;
  /** Over this, `msg_too_long`; undefined means truncate at 40,000 with a warning (chat.postMessage). */
  readonly maxTextChars?: number;
}

/** Validates text/blocks/metadata; records warnings and injection violations of accepted content. */
export function checkMessageContent(args: JsonObject, rules: ContentRules, ctx: ContentContext): ContentResult {
  const fail = (error: string): ContentResult => ({ ok: false, body: { ok: false, error } });
  const parsedBlocks = readBlocksArg(args.blocks);
  if (parsedBlocks.error) return fail(parsedBlocks.error);
  const blocks = parsedBlocks.blocks;
  if (blocks) {
    const errors = validateBlocks(blocks, 'message');
    if (errors.length > 0) return { ok: false, body: invalidBlocksBody('invalid_blocks', errors) };
    if (countBlocksText(blocks) > CUMULATIVE_TEXT_LIMIT) return fail('msg_blocks_too_long');
  }
  let text = typeof args.text === 'string' ? args.text : '';
  const hasAttachments = args.attachments !== undefined && args.attachments !== '';
  if (text === '' && !blocks && !hasAttachments) return fail('no_text');
  const warnings: string[] = [];
  if (rules.maxTextChars !== undefined && text.length > rules.maxTextChars) return fail('msg_too_long');
  if (text.length > 40_000) {
    text = text.slice(0, 40_000);
    warnings.push('message_truncated');
  }
  const parsedMeta = readMetadataArg(args.metadata);
  if (parsedMeta.error) return fail(parsedMeta.error);
  if (blocks && text === '') ctx.store.warn(rules.source, 'missing_text_fallback');
  for (const w of warnings) ctx.store.warn(rules.source, w);
  ctx.store.violations.push(...scanMessageForInjection({ ...args, text, blocks }, ctx.allowList(), rules.source));
  return {
    ok: true,
    content: {
      text,
      ...(blocks ? { blocks: blocks as JsonObject[] } : {}),
      ...(parsedMeta.metadata ? { metadata: parsedMeta.metadata } : {}),
      hasMetadataArg: args.metadata !== undefined,
      warnings,
    },
  };
}
