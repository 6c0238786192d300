/**
 * DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault,
 * restated): a PVC created without a class (no `spec.storageClassName`, no
 * beta class annotation) gets the default StorageClass, the one annotated
 * `storageclass.kubernetes.io/is-default-class: "true"` (the newest when
 * several are).
 */
import type { KubeObject } from '../../../runtime/object.js';
import { asObj, type Obj } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin } from '../../interfaces.js';

export const PluginName = 'DefaultStorageClass';
export const IsDefaultStorageClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
export const BetaIsDefaultStorageClassAnnotation = 'storageclass.beta.kubernetes.io/is-default-class';
export const BetaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** The newest of the objects (creationTimestamp, then name), as GetDefaultClass picks. */
export function newestOf(items: KubeObject[]): KubeObject | undefined {
  return [...items].sort((a, b) => {
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta > tb ? -1 : 1;
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  })[0];
}

/** The default StorageClass, if any. */
export async function defaultStorageClass(deps: AdmissionDeps): Promise<KubeObject | undefined> {
  const all = await deps.list('storage.k8s.io', 'storageclasses', '');
  const defaults = all.filter((sc) => {
    const a = sc.metadata?.annotations ?? {};
    return a[IsDefaultStorageClassAnnotation] === 'true' || a[BetaIsDefaultStorageClassAnnotation] === 'true';
  });
  return newestOf(defaults);
}

/** The DefaultStorageClass plugin. */
export function newDefaultStorageClass(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'CREATE',
    async admit(attrs) {
      if (attrs.group !== '' || attrs.resource !== 'persistentvolumeclaims' || attrs.subresource !== '' || !attrs.object) return;
      const pvc = attrs.object;
      const spec = (asObj(pvc.spec) ?? (pvc.spec = {})) as Obj;
      if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
      if (pvc.metadata?.annotations?.[BetaStorageClassAnnotation] !== undefined) return;
      const def = await defaultStorageClass(deps);
      if (def) spec.storageClassName = def.metadata?.name ?? '';
    },
  };
}
