/** Reading and decoding Web API request bodies the way Slack does (form or JSON, JSON-string fields). */
import type { IncomingMessage } from 'node:http';
import { isRecord } from './block-kit-checks.js';
import type { JsonObject } from './types.js';

/** Reads the whole body; rejects past `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes = 10_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limitBytes) throw new Error(`request body over ${limitBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export type ParsedArgs =
  | { readonly ok: true; readonly args: JsonObject }
  | { readonly ok: false; readonly error: string };

/** Decodes form or JSON arguments, merged over query-string arguments. Anything else is `invalid_form_data`. */
export function parseApiArgs(contentType: string | undefined, raw: Buffer, query: URLSearchParams): ParsedArgs {
  const args: JsonObject = Object.fromEntries(query);
  const type = mediaType(contentType);
  const text = raw.toString('utf8');
  if (text.length === 0) return { ok: true, args };
  if (type === 'application/x-www-form-urlencoded') {
    return { ok: true, args: { ...args, ...Object.fromEntries(new URLSearchParams(text)) } };
  }
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(text);
      return isRecord(parsed) ? { ok: true, args: { ...args, ...parsed } } : { ok: false, error: 'invalid_json' };
    } catch {
      return { ok: false, error: 'invalid_json' };
    }
  }
  return { ok: false, error: 'invalid_form_data' };
}

/** Decodes a field that may arrive as a JSON string (form bodies) or as a value (JSON bodies). */
function decodeJsonish(value: unknown): { readonly value?: unknown; readonly bad?: true } {
  if (typeof value !== 'string') return { value };
  try {
    return { value: JSON.parse(value) as unknown };
  } catch {
    return { bad: true };
  }
}

/** `blocks` as an array, absent, or `invalid_blocks_format` (not JSON, not an array, double-encoded). */
export function readBlocksArg(value: unknown): {
  readonly blocks?: unknown[];
  readonly error?: 'invalid_blocks_format';
} {
  if (value === undefined || value === '') return {};
  const decoded = decodeJsonish(value);
  return Array.isArray(decoded.value) ? { blocks: decoded.value } : { error: 'invalid_blocks_format' };
}

/** `metadata` as `{event_type, event_payload}`, absent, or the Slack error for a bad one. */
export function readMetadataArg(value: unknown): {
  readonly metadata?: JsonObject;
  readonly error?: 'invalid_metadata_format' | 'invalid_metadata_schema';
} {
  if (value === undefined || value === '') return {};
  const decoded = decodeJsonish(value);
  if (decoded.bad || !isRecord(decoded.value)) return { error: 'invalid_metadata_format' };
  const m = decoded.value;
  if (Object.keys(m).length === 0) return { metadata: m };
  if (typeof m.event_type !== 'string' || !isRecord(m.event_payload)) return { error: 'invalid_metadata_schema' };
  return { metadata: m };
}

/** A JSON-object argument (`view`), or undefined when it is missing or not an object. */
export function readObjectArg(value: unknown): JsonObject | undefined {
  const decoded = decodeJsonish(value);
  return isRecord(decoded.value) ? decoded.value : undefined;
}
