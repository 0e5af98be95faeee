#!/usr/bin/env node
// Extracts the part of the OpenClaw gateway's published protocol schema that the fake gateway and the contract
// test validate against, into test/fixtures/openclaw/protocol.schema.json (so `npm test` needs no extra package).
// Usage: node scripts/vendor-protocol-schema.mjs <path to @openclaw/gateway-protocol's protocol.schema.json>
// Keeps: the frame, handshake and node/device/approval definitions (with every definition they $ref), and the
// method table (name → since/scope).
import { readFileSync, writeFileSync } from 'node:fs';

const [source] = process.argv.slice(2);
if (!source) {
  console.error('usage: node scripts/vendor-protocol-schema.mjs <protocol.schema.json>');
  process.exit(2);
}
const full = JSON.parse(readFileSync(source, 'utf8'));
const ROOTS =
  /^(RequestFrame|ResponseFrame|EventFrame|HelloOk|ConnectParams|PresenceEntry|Node[A-Z]\w*|DevicePair\w*|ExecApproval\w*|Approval\w*)$/;
const keep = new Set();
const visit = (name) => {
  if (keep.has(name) || !full.definitions[name]) return;
  keep.add(name);
  for (const match of JSON.stringify(full.definitions[name]).matchAll(/"#\/definitions\/([\w.-]+)"/g)) visit(match[1]);
};
for (const name of Object.keys(full.definitions)) if (ROOTS.test(name)) visit(name);
const definitions = Object.fromEntries(
  Object.keys(full.definitions)
    .filter((n) => keep.has(n))
    .map((n) => [n, full.definitions[n]]),
);
const out = {
  ...full,
  description: `${full.description ?? ''} (subset: ${keep.size} of ${Object.keys(full.definitions).length} definitions)`,
  definitions,
};
writeFileSync(new URL('../test/fixtures/openclaw/protocol.schema.json', import.meta.url), `${JSON.stringify(out)}\n`);
console.log(`kept ${keep.size} definitions`);
