/**
 * PersistentVolumeClaimResize (plugin/pkg/admission/storage/persistentvolume/resize,
 * restated): growing a PVC's storage request is only allowed for bound
 * claims whose StorageClass has `allowVolumeExpansion: true`.
 */
import { asObj, str } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin } from '../../interfaces.js';
import { admissionForbidden } from '../../util/errors.js';
import { resourceList } from '../../util/pod.js';

export const PluginName = 'PersistentVolumeClaimResize';

/** The PersistentVolumeClaimResize plugin. */
export function newPersistentVolumeClaimResize(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'UPDATE',
    async validate(attrs) {
      if (attrs.group !== '' || attrs.resource !== 'persistentvolumeclaims' || attrs.subresource !== '' || !attrs.object || !attrs.oldObject) return;
      const size = (o: typeof attrs.object) => resourceList(asObj(asObj(o?.spec)?.resources)?.requests).get('storage');
      const before = size(attrs.oldObject);
      const after = size(attrs.object);
      if (!after || (before && after.cmp(before) <= 0)) return;
      if (str(asObj(attrs.oldObject.status)?.phase) !== 'Bound') throw admissionForbidden(attrs, 'Only bound persistent volume claims can be expanded');
      const cls = str(asObj(attrs.object.spec)?.storageClassName);
      const sc = cls === '' ? null : await deps.get('storage.k8s.io', 'storageclasses', '', cls);
      if (!sc || sc.allowVolumeExpansion !== true) {
        throw admissionForbidden(attrs, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
      }
    },
  };
}
