import { createMemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import { describeApprovalContract } from '../../contract/approval-contract.js';
import { describeLeaseContract } from '../../contract/lease-contract.js';
import { describeStorageContract } from '../../contract/storage-contract.js';

describeStorageContract('memory', { create: async () => createMemoryStorage() });
describeLeaseContract('memory', { create: async () => createMemoryStorage() });

describeApprovalContract('memory', { create: async () => createMemoryStorage() });
