import { z } from 'zod/v4';

/** The gateway's error object on a failed response. */
export const GatewayErrorSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    retryable: z.boolean().optional(),
    retryAfterMs: z.number().optional(),
  })
  .passthrough();

/** A response frame: `{type:"res", id, ok, payload | error}`. */
export const ResponseFrameSchema = z.object({
  type: z.literal('res'),
  id: z.string(),
  ok: z.boolean(),
  payload: z.unknown().optional(),
  error: GatewayErrorSchema.optional(),
});
export type ResponseFrame = z.infer<typeof ResponseFrameSchema>;

/** An event frame: `{type:"event", event, payload, seq?, stateVersion?}`. */
export const EventFrameSchema = z.object({
  type: z.literal('event'),
  event: z.string(),
  payload: z.unknown().optional(),
  seq: z.number().int().optional(),
  stateVersion: z.unknown().optional(),
});
export type EventFrame = z.infer<typeof EventFrameSchema>;

/** Any inbound frame the operator client understands. */
export const InboundFrameSchema = z.discriminatedUnion('type', [ResponseFrameSchema, EventFrameSchema]);

/** `connect.challenge` payload: the nonce and gateway clock to sign. */
export const ChallengeSchema = z.object({ nonce: z.string().min(1), ts: z.number() }).passthrough();
export type Challenge = z.infer<typeof ChallengeSchema>;

/** The parts of `hello-ok` the bot relies on; everything else passes through. */
export const HelloOkSchema = z
  .object({
    type: z.literal('hello-ok'),
    protocol: z.number(),
    server: z.object({ version: z.string(), connId: z.string().optional() }).passthrough(),
    features: z
      .object({ methods: z.array(z.string()).default([]), events: z.array(z.string()).default([]) })
      .passthrough()
      .optional(),
    snapshot: z.record(z.string(), z.unknown()).optional(),
    auth: z
      .object({
        method: z.string().optional(),
        role: z.string().optional(),
        scopes: z.array(z.string()).default([]),
        deviceToken: z.string().optional(),
      })
      .passthrough(),
    policy: z
      .object({
        maxPayload: z.number().positive().optional(),
        tickIntervalMs: z.number().positive().optional(),
      })
      .passthrough()
      .default({}),
  })
  .passthrough();
export type HelloOk = z.infer<typeof HelloOkSchema>;

/** Formats zod issues into one short line for error messages. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
