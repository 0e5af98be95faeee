/**
 * Vitest global setup of the integration project: one real PostgreSQL server for the run (tests that restart the
 * server start their own). It fails the run, loudly, when PostgreSQL cannot start.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the shared test server (database `postgres`). */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url());
  return () => server.destroy();
}
