import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Storage } from '../../../src/storage/ports.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/sqlite-storage.js';
import { describeStorageContract } from '../../contract/storage-contract.js';

const dirs = new Map<Storage, string>();
afterAll(() => {
  for (const dir of dirs.values()) fs.rmSync(dir, { recursive: true, force: true });
});

describeStorageContract('sqlite', {
  create: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocso-sqlite-'));
    const storage = openSqliteStorage(dir);
    dirs.set(storage, dir);
    return storage;
  },
  reopen: async (storage) => openSqliteStorage(dirs.get(storage) ?? ''),
});
