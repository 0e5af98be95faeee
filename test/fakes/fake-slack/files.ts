/** The files.uploadV2 path: getUploadURLExternal → POST bytes to upload_url → completeUploadExternal. */
import { isRecord } from './block-kit-checks.js';
import { mediaType } from './request-body.js';
import type { SlackStore } from './store.js';
import type { JsonObject } from './types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export class FileUploads {
  private readonly pending = new Map<string, { filename: string; length: number; bytes?: Buffer }>();
  private seq = 0;

  constructor(
    private readonly store: SlackStore,
    private readonly baseUrl: () => string,
  ) {}

  /** files.getUploadURLExternal: needs `filename` and a positive `length`. */
  getUploadUrl(args: JsonObject): JsonObject {
    const length = Number(args.length);
    if (!str(args.filename) || !Number.isInteger(length) || length <= 0)
      return { ok: false, error: 'invalid_arguments' };
    const fileId = `F${String(++this.seq).padStart(8, '0')}`;
    this.pending.set(fileId, { filename: str(args.filename), length });
    return { ok: true, upload_url: `${this.baseUrl()}upload/${fileId}`, file_id: fileId };
  }

  /** The upload_url POST: stores the bytes; 404 for an unknown id. */
  receiveBytes(fileId: string, bytes: Buffer): number {
    const entry = this.pending.get(fileId);
    if (!entry) return 404;
    entry.bytes = bytes;
    return 200;
  }

  /** files.completeUploadExternal: every file uploaded, channel membership when shared. */
  complete(args: JsonObject): JsonObject {
    let files: unknown;
    try {
      files = typeof args.files === 'string' ? JSON.parse(args.files) : args.files;
    } catch {
      return { ok: false, error: 'invalid_arguments' };
    }
    if (!Array.isArray(files) || files.length === 0) return { ok: false, error: 'invalid_arguments' };
    const channel = str(args.channel_id);
    if (channel) {
      const access = this.store.checkPostAccess(channel);
      if (access !== 'ok') return { ok: false, error: access };
    }
    const out: JsonObject[] = [];
    for (const f of files) {
      const id = isRecord(f) ? str(f.id) : '';
      const entry = this.pending.get(id);
      if (!entry?.bytes) return { ok: false, error: 'file_not_found' };
      const title = isRecord(f) && typeof f.title === 'string' ? f.title : entry.filename;
      out.push({ id, title, name: entry.filename, size: entry.bytes.length });
    }
    for (const file of out) {
      this.store.files.push({
        ...file,
        channel_id: channel,
        thread_ts: str(args.thread_ts),
        initial_comment: str(args.initial_comment),
      });
    }
    return { ok: true, files: out.map(({ id, title }) => ({ id, title })) };
  }
}

/** The uploaded bytes: the raw body, or the first part of a multipart/form-data body (what the SDK sends). */
export function extractUploadedBytes(contentType: string | undefined, raw: Buffer): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  const b = boundary?.[1] ?? boundary?.[2];
  if (mediaType(contentType) !== 'multipart/form-data' || !b) return raw;
  const headerEnd = raw.indexOf('\r\n\r\n', raw.indexOf(`--${b}`));
  const end = raw.indexOf(`\r\n--${b}`, headerEnd);
  return headerEnd < 0 || end < 0 ? raw : raw.subarray(headerEnd + 4, end);
}
