/**
 * A real PostgreSQL server for tests: `initdb` into a temporary folder, `postgres` on a free loopback port in a
 * process group of its own, removed at the end. Debian keeps the server binaries in /usr/lib/postgresql/<n>/bin
 * (not on PATH); PG_BIN overrides. The server refuses to run as root, so as root it runs as the `postgres` user.
 * When PostgreSQL cannot start this throws with what to install: tests never skip or fall back to a mock.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { findFreePort } from '../e2e/support/free-port.js';
import { type GroupProcess, spawnGroup } from '../e2e/support/process-group.js';
import { createTempHome, removeTempHome } from '../e2e/support/temp-home.js';

const INSTALL_HINT =
  'install the PostgreSQL server (Debian: apt-get install -y postgresql; .ci/run does this) or set PG_BIN to its bin folder';
const READY_TIMEOUT_MS = 30_000;

/** A running server; `url(db)` names a database on it (superuser `postgres`, trust auth, loopback only). */
export interface PostgresServer {
  readonly port: number;
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Fast shutdown (SIGINT): sessions are cut, the data stays for {@link start}. */
  stop(): Promise<void>;
  /** Starts the stopped server again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
}

/** The folder holding initdb and postgres: PG_BIN, else the newest Debian version folder, else PATH. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.PG_BIN) candidates.push(env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  const found = candidates.find(
    (dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres')),
  );
  if (!found) throw new Error(`PostgreSQL server binaries (initdb, postgres) not found: ${INSTALL_HINT}`);
  return found;
}

/** As root: the uid/gid of `postgres`, to own the data folder and run the server. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`running as root and there is no "postgres" user to run the server as: ${INSTALL_HINT}`);
  }
}

function asServerUser(user: { uid: number } | undefined, command: string, args: string[]): [string, string[]] {
  return user ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function chownTree(dir: string, user: { uid: number; gid: number } | undefined): void {
  if (!user) return;
  fs.chownSync(dir, user.uid, user.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, user);
    else fs.chownSync(p, user.uid, user.gid);
  }
}

/** Waits until `postgres` says it accepts connections (or exits, or the deadline passes). */
async function waitReady(server: GroupProcess, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.hasExited()) throw new Error(`postgres exited while starting:\n${server.output().slice(-2_000)}`);
    if (/ready to accept connections/.test(server.output())) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        // the log line can come a moment before the socket answers
      }
    }
    await Promise.race([server.exited, new Promise((r) => setTimeout(r, 50))]);
  }
  throw new Error(
    `postgres did not accept connections within ${READY_TIMEOUT_MS} ms:\n${server.output().slice(-2_000)}`,
  );
}

/** initdb + postgres on a free loopback port; throws (with what to install) when that is not possible. */
export async function startPostgres(options: { readonly env?: NodeJS.ProcessEnv } = {}): Promise<PostgresServer> {
  const bin = findPostgresBin(options.env);
  const user = postgresUser();
  const home = createTempHome('postgres');
  const data = path.join(home, 'data');
  const sockets = path.join(home, 'sockets');
  fs.mkdirSync(sockets);
  chownTree(home, user);
  const [initCmd, initArgs] = asServerUser(user, path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  try {
    execFileSync(initCmd, initArgs, { stdio: 'pipe', cwd: home });
  } catch (err) {
    removeTempHome(home);
    const output = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    throw new Error(`initdb failed (${INSTALL_HINT}):\n${output.slice(-2_000)}`);
  }
  const port = await findFreePort();
  let server: GroupProcess | undefined;
  let databases = 0;

  const start = async (): Promise<void> => {
    // Durability settings off: the tests restart the server cleanly or kill its clients, never the machine.
    const [cmd, args] = asServerUser(user, path.join(bin, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      sockets,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ]);
    server = spawnGroup(cmd, args, { cwd: home, env: { ...process.env, LC_ALL: 'C' } });
    await waitReady(server, port);
  };

  const stop = async (): Promise<void> => {
    await server?.end('SIGINT', 15_000);
    server = undefined;
  };

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  await start();
  return {
    port,
    url,
    async createDatabase(prefix = 'test') {
      databases += 1;
      const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
    start,
    async destroy() {
      await stop();
      removeTempHome(home);
    },
  };
}
