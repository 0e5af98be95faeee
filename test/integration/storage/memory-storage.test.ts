import { createMemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import { describeStorageContract } from '../../contract/storage-contract.js';

describeStorageContract('memory', { create: async () => createMemoryStorage() });
