import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AuditEntry } from './audit/audit-entry.js';
import { formatAuditJson, formatAuditText, parseAuditArgs } from './audit/audit-export.js';
import { startBot } from './bot.js';
import { loadConfig, loadStateLocation } from './config.js';
import { formatChecklist, passed, runDoctor } from './doctor/run-doctor.js';
import { ConfigError, StartupError } from './errors.js';
import { createLogger } from './logger.js';
import { PgDatabase } from './storage/postgres/pg-database.js';
import { schemaVersion } from './storage/postgres/pg-schema.js';
import { PgAudit } from './storage/postgres/pg-stores.js';
import { openSqliteStorage } from './storage/sqlite/sqlite-storage.js';

/** `node dist/main.js doctor`: prints the checklist, exits 1 on any ✗ (⚠ warnings alone exit 0). */
async function doctor(): Promise<void> {
  // The gateway client's timers are unref'd: without a ref'd handle Node would run out of work and exit (0, silent)
  // while a check is still waiting for an unreachable gateway.
  const keepAlive = setInterval(() => {}, 1_000);
  try {
    const results = await runDoctor(process.env, createLogger('silent'));
    process.stdout.write(`${formatChecklist(results)}\n`);
    process.exitCode = passed(results) ? 0 : 1;
  } finally {
    clearInterval(keepAlive);
  }
}

/** `node dist/main.js audit [--since 24h] [--json]`: prints the audit log of STATE_DIR, oldest first. */
async function audit(argv: readonly string[]): Promise<void> {
  const parsed = parseAuditArgs(argv, Date.now());
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`);
    process.exit(2);
  }
  const rows = await readAudit(loadStateLocation(process.env), parsed.args.sinceMs ?? 0);
  const format = parsed.args.json ? formatAuditJson : formatAuditText;
  process.stdout.write(rows.map((row) => `${format(row)}\n`).join(''));
}

/** Every audit row since `sinceMs`, from the database (replicas) or STATE_DIR; exits 1 when there is no log. */
async function readAudit(where: ReturnType<typeof loadStateLocation>, sinceMs: number): Promise<AuditEntry[]> {
  if (where.kind === 'postgres') {
    const db = new PgDatabase(where.url, createLogger('silent'), { max: 1 });
    try {
      if ((await schemaVersion(db)) === 0) {
        process.stderr.write(`No audit log: ${db.where} has no schema yet (the bot creates it on start)\n`);
        process.exit(1);
      }
      return await new PgAudit(db).list(Number.MAX_SAFE_INTEGER, sinceMs);
    } catch (err) {
      process.stderr.write(`Cannot read the audit log from ${db.where}: ${(err as Error).message}\n`);
      process.exit(1);
    } finally {
      await db.close().catch(() => undefined);
    }
  }
  const file = path.join(where.stateDir, 'state.db');
  if (!existsSync(file)) {
    process.stderr.write(`No audit log: ${file} does not exist (is STATE_DIR right?)\n`);
    process.exit(1);
  }
  const storage = openSqliteStorage(where.stateDir);
  try {
    return await storage.audit.list(Number.MAX_SAFE_INTEGER, sinceMs);
  } finally {
    await storage.close();
  }
}

/** Entry point: `node dist/main.js` runs the bot (reading `.env` first when there is one). */
async function main(): Promise<void> {
  // Values already in the environment win over the file (loadEnvFile never overwrites them).
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (process.argv[2] === 'doctor') return doctor();
  if (process.argv[2] === 'audit') return audit(process.argv.slice(3));
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      const msg = `invalid configuration: ${err.problems.join('; ')}. See .env.example and the README's configuration table`;
      createLogger('info').fatal({ problems: err.problems }, msg);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({ config, log });
  } catch (err) {
    const fix = err instanceof StartupError ? err.fix : undefined;
    log.fatal(
      { err, fix },
      `openclaw-slack-ops failed to start: ${(err as Error).message}${fix ? `. Fix: ${fix}` : ''}`,
    );
    log.flush();
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    bot.stop().then(
      () => {
        log.flush();
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  createLogger('info').fatal({ err }, `openclaw-slack-ops failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
