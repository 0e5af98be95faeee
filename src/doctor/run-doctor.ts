import fs from 'node:fs/promises';
import path from 'node:path';
import { type Config, loadConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type CheckResult, fail, ok } from './checklist.js';
import { checkDatabase } from './database-checks.js';
import { checkGateways } from './gateway-checks.js';
import { checkAccessLists, checkSlack } from './slack-checks.js';

export { type CheckResult, formatChecklist, passed } from './checklist.js';
export { NEEDED_BOT_SCOPES, OPTIONAL_BOT_SCOPES } from './slack-checks.js';

/** Runs every check in order and returns the checklist; never throws. */
export async function runDoctor(env: NodeJS.ProcessEnv, log: Logger): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [String(err)];
    return problems.map((p) => fail('configuration', p, 'fix the variable named (see .env.example and the README)'));
  }
  const results: CheckResult[] = [ok('configuration', 'all variables valid')];
  results.push(...checkAccessLists(config));
  const database = await checkDatabase(config, log);
  try {
    if (config.storage.kind === 'sqlite') results.push(await checkStateDir(config));
    results.push(...database.results);
    results.push(...(await checkSlack(config, log)));
    results.push(...(await checkGateways(config, log, database.identities)));
  } finally {
    await database.close();
  }
  return results;
}

async function checkStateDir(config: Config): Promise<CheckResult> {
  const probe = path.join(config.stateDir, `.doctor-${process.pid}`);
  try {
    await fs.mkdir(config.stateDir, { recursive: true, mode: 0o700 });
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe);
    return ok('STATE_DIR writable', config.stateDir);
  } catch (err) {
    return fail(
      'STATE_DIR writable',
      `${config.stateDir}: ${(err as Error).message}`,
      'point STATE_DIR at a folder (volume) the bot user can write',
    );
  }
}
