/** state.db's schema, versioned with `PRAGMA user_version`; a state.db of any older release is upgraded in place. */
import type Database from 'better-sqlite3';

/** The schema this release writes. */
export const SCHEMA_VERSION = 4;

const TABLES_V2 = `
CREATE TABLE IF NOT EXISTS requests (
  gateway TEXT NOT NULL, kind TEXT NOT NULL, request_id TEXT NOT NULL, subject_id TEXT NOT NULL,
  request_json TEXT NOT NULL, fingerprint TEXT NOT NULL, status TEXT NOT NULL, channel TEXT, ts TEXT,
  resolved_by TEXT, resolved_at_ms INTEGER, last_error TEXT, dirty INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1, post_attempt_ms INTEGER, created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL, PRIMARY KEY (gateway, kind, request_id));
CREATE INDEX IF NOT EXISTS requests_status ON requests (status);
CREATE INDEX IF NOT EXISTS requests_dirty ON requests (dirty, created_at_ms);
CREATE INDEX IF NOT EXISTS requests_card ON requests (channel, ts);
CREATE INDEX IF NOT EXISTS requests_id ON requests (request_id);
CREATE TABLE IF NOT EXISTS claims (
  gateway TEXT NOT NULL, kind TEXT NOT NULL, request_id TEXT NOT NULL, decision TEXT NOT NULL,
  user_id TEXT NOT NULL, fingerprint TEXT NOT NULL, claimed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (gateway, kind, request_id));
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, body_json TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
  attempted_at_ms INTEGER);
CREATE TABLE IF NOT EXISTS confirmations (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, action TEXT NOT NULL, payload_json TEXT NOT NULL,
  status TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  gateway TEXT, target TEXT NOT NULL, target_name TEXT, request_id TEXT, fingerprint TEXT, params_json TEXT,
  outcome TEXT NOT NULL, detail TEXT, completed_at_ms INTEGER);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at_ms);
`;

/** Version 3: node alerts (offline, disk), one row per alert; reminders counted per request. */
const TABLES_V3 = `
CREATE TABLE IF NOT EXISTS node_alerts (
  gateway TEXT NOT NULL, key TEXT NOT NULL, body_json TEXT NOT NULL, opened_at_ms INTEGER NOT NULL,
  closed_at_ms INTEGER, PRIMARY KEY (gateway, key));
CREATE INDEX IF NOT EXISTS node_alerts_open ON node_alerts (gateway, closed_at_ms);
`;

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

function addColumnIfMissing(db: Database.Database, table: string, column: string, type: string): void {
  if (!columns(db, table).includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}

/**
 * Release 1 (no user_version) kept one gateway: requests and claims keyed by (kind, request_id), thread replies in
 * `replies`. Everything it stored belongs to the gateway `default`; reply ids are kept (posted replies carry them
 * in their Slack metadata, so a lost answer is still found after the upgrade).
 */
function upgradeFromV1(db: Database.Database): void {
  for (const [table, column, type] of [
    ['requests', 'post_attempt_ms', 'INTEGER'],
    ['replies', 'attempted_at_ms', 'INTEGER'],
    ['audit', 'gateway', 'TEXT'],
    ['audit', 'target_name', 'TEXT'],
    ['audit', 'params_json', 'TEXT'],
    ['audit', 'completed_at_ms', 'INTEGER'],
  ] as const) {
    if (hasTable(db, table)) addColumnIfMissing(db, table, column, type);
  }
  db.exec('ALTER TABLE requests RENAME TO requests_v1; ALTER TABLE claims RENAME TO claims_v1;');
  db.exec(
    'DROP INDEX IF EXISTS requests_status; DROP INDEX IF EXISTS requests_dirty; DROP INDEX IF EXISTS requests_card;',
  );
  db.exec(TABLES_V2);
  db.exec(`
    INSERT INTO requests SELECT 'default', kind, request_id, subject_id, request_json, fingerprint, status, channel, ts,
      resolved_by, resolved_at_ms, last_error, dirty, version, post_attempt_ms, created_at_ms, updated_at_ms FROM requests_v1;
    INSERT INTO claims SELECT 'default', kind, request_id, decision, user_id, fingerprint, claimed_at_ms FROM claims_v1;
    DROP TABLE requests_v1; DROP TABLE claims_v1;
    UPDATE audit SET gateway = 'default' WHERE gateway IS NULL;`);
  if (hasTable(db, 'replies')) {
    db.exec(`
      INSERT INTO outbox (id, body_json, created_at_ms, attempted_at_ms)
        SELECT id, json_object('kind', 'decision-reply', 'request',
          json_object('gateway', 'default', 'kind', kind, 'requestId', request_id)), created_at_ms, attempted_at_ms
        FROM replies;
      DROP TABLE replies;`);
  }
}

/** Creates or upgrades the schema, in one immediate transaction (several processes may start at once). */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    if (version === 0 && hasTable(db, 'requests')) upgradeFromV1(db);
    else if (version < 2) db.exec(TABLES_V2);
    db.exec(TABLES_V3);
    addColumnIfMissing(db, 'requests', 'reminders', 'INTEGER NOT NULL DEFAULT 0');
    // Version 4: the approval workflow (two-person rule, time-bound approvals, revoke).
    addColumnIfMissing(db, 'requests', 'approval_json', 'TEXT');
    addColumnIfMissing(db, 'requests', 'expires_at_ms', 'INTEGER');
    addColumnIfMissing(db, 'claims', 'duration_ms', 'INTEGER');
    addColumnIfMissing(db, 'claims', 'reason', 'TEXT');
    db.exec('CREATE INDEX IF NOT EXISTS requests_expiry ON requests (expires_at_ms) WHERE expires_at_ms IS NOT NULL');
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
