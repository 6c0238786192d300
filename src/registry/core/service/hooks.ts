/**
 * Service store hooks: cluster IPs and node ports are allocated after
 * validation and kept only if the write succeeds; a deleted Service gives its
 * values back. Claims are create-if-absent keys in the shared storage
 * (`/registry/ranges/serviceips/<ip>`, `/registry/ranges/servicenodeports/<port>`),
 * so several kapi replicas on one etcd never hand out the same value.
 */
import type { Storage } from '../../../storage/interface.js';
import { isStorageError } from '../../../storage/errors.js';
import type { StoreHooks } from '../../generic/store.js';
import { newServiceAllocator, type AllocationKind, type ServiceAllocator } from './allocator.js';

function claimKey(kind: AllocationKind, value: string): string {
  return kind === 'ip' ? `/registry/ranges/serviceips/${value}` : `/registry/ranges/servicenodeports/${value}`;
}

/** An allocator whose claims live in `storage`. */
export function storageBackedAllocator(storage: Storage, serviceClusterIpRange: string, nodePortRange?: string): ServiceAllocator {
  return newServiceAllocator({
    serviceClusterIpRange,
    nodePortRange,
    claim: async (kind, value) => {
      try {
        await storage.create(claimKey(kind, value), { apiVersion: 'v1', kind: 'RangeClaim', metadata: { name: value } });
        return true;
      } catch (err) {
        if (isStorageError(err, 'KeyExists')) return false;
        throw err;
      }
    },
    release: async (kind, value) => {
      try {
        await storage.delete(claimKey(kind, value));
      } catch (err) {
        if (!isStorageError(err, 'KeyNotFound')) throw err;
      }
    },
  });
}

/** The hooks of the services store. */
export function serviceHooks(allocator: ServiceAllocator): StoreHooks {
  return {
    beginCreate: async (obj, scope) => {
      const a = await allocator.allocate(obj, undefined, { dryRun: scope.dryRun });
      return (ok) => (ok ? a.commit() : a.rollback());
    },
    beginUpdate: async (obj, old, scope) => {
      const a = await allocator.allocate(obj, old, { dryRun: scope.dryRun });
      return (ok) => (ok ? a.commit() : a.rollback());
    },
    afterDelete: async (obj) => {
      await allocator.release(obj);
    },
  };
}
