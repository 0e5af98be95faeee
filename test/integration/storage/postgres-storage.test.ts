import pino from 'pino';
import { openPostgresStorage, type PostgresStorage } from '../../../src/storage/postgres/postgres-storage.js';
import { describeApprovalContract } from '../../contract/approval-contract.js';
import { describeLeaseContract } from '../../contract/lease-contract.js';
import { describeStorageContract } from '../../contract/storage-contract.js';
import { createTestDatabase } from '../../support/test-database.js';

const log = pino({ level: 'silent' });
const urls = new WeakMap<PostgresStorage, string>();

async function create(): Promise<PostgresStorage> {
  const url = await createTestDatabase('contract');
  const storage = await openPostgresStorage(url, log);
  urls.set(storage, url);
  return storage;
}

describeStorageContract('postgres', {
  create,
  reopen: async (storage) => openPostgresStorage(urls.get(storage as PostgresStorage) ?? '', log),
});

describeLeaseContract('postgres', { create });

describeApprovalContract('postgres', { create });
