/**
 * PostgreSQL schema as numbered migrations, applied at start in one transaction under an advisory lock, so several
 * replicas starting at once apply each migration exactly once (the others wait, then find it applied).
 */
import type { PgDatabase } from './pg-database.js';

/** Key of the advisory lock that serialises migrations (any constant of our own). */
const MIGRATION_LOCK = 7_424_112_026;

/** The notice channel; its payload is `{"gateway": "...", "kind": "delivery" | "reconcile"}`. */
export const NOTICE_CHANNEL = 'openclaw_slack_ops_work';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'requests, claims, outbox, confirmations, audit, identities, leases',
    sql: `
CREATE TABLE requests (
  gateway text NOT NULL, kind text NOT NULL, request_id text NOT NULL, subject_id text NOT NULL,
  request jsonb NOT NULL, fingerprint text NOT NULL, status text NOT NULL, channel text, ts text,
  resolved_by jsonb, resolved_at_ms bigint, last_failure jsonb, dirty boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1, post_attempt_ms bigint, created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL, PRIMARY KEY (gateway, kind, request_id));
CREATE INDEX requests_status ON requests (status, created_at_ms);
CREATE INDEX requests_dirty ON requests (created_at_ms) WHERE dirty;
CREATE INDEX requests_card ON requests (channel, ts);
CREATE INDEX requests_request_id ON requests (request_id);
CREATE TABLE claims (
  gateway text NOT NULL, kind text NOT NULL, request_id text NOT NULL, decision text NOT NULL,
  user_id text NOT NULL, fingerprint text NOT NULL, claimed_at_ms bigint NOT NULL,
  PRIMARY KEY (gateway, kind, request_id));
CREATE TABLE outbox (
  id bigserial PRIMARY KEY, gateway text NOT NULL, message jsonb NOT NULL, created_at_ms bigint NOT NULL,
  attempted_at_ms bigint);
CREATE TABLE confirmations (
  id text PRIMARY KEY, user_id text NOT NULL, action text NOT NULL, payload jsonb NOT NULL,
  status text NOT NULL, created_at_ms bigint NOT NULL);
CREATE TABLE audit (
  id bigserial PRIMARY KEY, at_ms bigint NOT NULL, actor text NOT NULL, action text NOT NULL, gateway text,
  target text NOT NULL, target_name text, request_id text, fingerprint text, params jsonb, outcome text NOT NULL,
  detail text, completed_at_ms bigint);
CREATE INDEX audit_at ON audit (at_ms);
CREATE TABLE identities (gateway text PRIMARY KEY, identity jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE install_secret (id smallint PRIMARY KEY CHECK (id = 1), secret bytea NOT NULL);
REVOKE ALL ON identities, install_secret FROM PUBLIC;
CREATE TABLE leases (
  name text PRIMARY KEY, holder text NOT NULL, epoch bigint NOT NULL, expires_at timestamptz NOT NULL,
  acquired_at timestamptz NOT NULL);
CREATE FUNCTION openclaw_notify_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${NOTICE_CHANNEL}', json_build_object('gateway', NEW.gateway, 'kind', 'delivery')::text);
  RETURN NEW;
END $$;
CREATE TRIGGER requests_dirty_notice AFTER INSERT OR UPDATE OF dirty, version ON requests
  FOR EACH ROW WHEN (NEW.dirty) EXECUTE FUNCTION openclaw_notify_delivery();
CREATE TRIGGER outbox_notice AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION openclaw_notify_delivery();
`,
  },
  {
    version: 2,
    name: 'node alerts, reminders',
    sql: `
ALTER TABLE requests ADD COLUMN reminders integer NOT NULL DEFAULT 0;
CREATE TABLE node_alerts (
  gateway text NOT NULL, key text NOT NULL, body jsonb NOT NULL, opened_at_ms bigint NOT NULL, closed_at_ms bigint,
  PRIMARY KEY (gateway, key));
CREATE INDEX node_alerts_open ON node_alerts (gateway, closed_at_ms);
`,
  },
  {
    version: 3,
    name: 'approval workflow (two-person rule, time-bound approvals, revoke)',
    sql: `
ALTER TABLE requests ADD COLUMN approval jsonb;
ALTER TABLE requests ADD COLUMN expires_at_ms bigint;
ALTER TABLE claims ADD COLUMN duration_ms bigint;
ALTER TABLE claims ADD COLUMN reason text;
CREATE INDEX requests_expiry ON requests (expires_at_ms) WHERE expires_at_ms IS NOT NULL;
`,
  },
];

/** The schema version this release writes. */
export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** Thrown when the database was migrated by a newer release than this one. */
export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`the database schema is version ${found}, newer than this release knows (${known})`);
  }
}

/** The applied schema version (0 for an empty database). */
export async function schemaVersion(db: PgDatabase): Promise<number> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!exists[0]?.t) return 0;
  const rows = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return rows[0]?.v ?? 0;
}

/** Applies what is missing; returns the versions applied by this call (none when another replica did it). */
export async function migrate(db: PgDatabase): Promise<number[]> {
  return db.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const current = (await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations'))
      .rows[0]?.v;
    const found = current ?? 0;
    if (found > PG_SCHEMA_VERSION) throw new SchemaTooNewError(found, PG_SCHEMA_VERSION);
    const applied: number[] = [];
    for (const migration of MIGRATIONS.filter((m) => m.version > found)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
