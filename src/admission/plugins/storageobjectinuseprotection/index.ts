/**
 * StorageObjectInUseProtection
 * (plugin/pkg/admission/storage/storageobjectinuseprotection, restated):
 * new PersistentVolumeClaims get the `kubernetes.io/pvc-protection` finalizer
 * and new PersistentVolumes `kubernetes.io/pv-protection`, so they are not
 * removed while in use.
 */
import type { AdmissionPlugin } from '../../interfaces.js';

export const PluginName = 'StorageObjectInUseProtection';
export const PVCProtectionFinalizer = 'kubernetes.io/pvc-protection';
export const PVProtectionFinalizer = 'kubernetes.io/pv-protection';

/** The StorageObjectInUseProtection plugin. */
export function newStorageObjectInUseProtection(): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'CREATE',
    admit(attrs) {
      if (attrs.group !== '' || attrs.subresource !== '' || !attrs.object) return;
      const finalizer = attrs.resource === 'persistentvolumeclaims' ? PVCProtectionFinalizer : attrs.resource === 'persistentvolumes' ? PVProtectionFinalizer : '';
      if (finalizer === '') return;
      const meta = (attrs.object.metadata ??= {});
      const list = meta.finalizers ?? [];
      if (!list.includes(finalizer)) meta.finalizers = [...list, finalizer];
    },
  };
}
