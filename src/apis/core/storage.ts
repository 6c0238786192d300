/**
 * core/v1 PersistentVolume and PersistentVolumeClaim: defaults (reclaim
 * policy, volume mode, Pending phase), the phase-transition timestamp of
 * PVs, and spec validation and immutability rules.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../validation/field/errors.js';
import { asArr, asObj, clone, ensureObj, semanticEqual, str, type Obj } from '../../validation/json.js';
import { nameIsDNSSubdomain } from '../../validation/names.js';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { validateLabelSelector } from '../../validation/labelselector.js';
import { Quantity } from '../../validation/quantity.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { jsonDiff } from '../common/diff.js';
import { defaultVolume } from './podspec_defaults.js';
import { canonicalizeQuantityMap, canonicalizeResourceList, parseResourceQuantity, validatePositiveQuantityValue, validateResourceQuantityValue } from './resources.js';

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const volumeModes = ['Block', 'Filesystem'];
const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];

/** Current time as Kubernetes writes metav1.Time (RFC 3339, seconds, UTC). Tests may override. */
export let nowRFC3339 = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Replaces the clock (tests). */
export function setNowForTesting(fn: () => string): void {
  nowRFC3339 = fn;
}

const pvSourceKeys = [
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'hostPath',
  'glusterfs',
  'nfs',
  'rbd',
  'iscsi',
  'cinder',
  'cephfs',
  'fc',
  'flocker',
  'flexVolume',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'local',
  'storageos',
  'csi',
];

function validateAccessModes(spec: Obj, path: FieldPath, requiredDetail: string): FieldError[] {
  const errs: FieldError[] = [];
  const modes = (asArr(spec.accessModes) ?? []).map(str);
  if (modes.length === 0) errs.push(required(path.child('accessModes'), requiredDetail));
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!accessModes.includes(m)) errs.push(notSupported(path.child('accessModes'), m, accessModes));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (accessModes.includes(m)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path.child('accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateClassName(name: unknown, path: FieldPath): FieldError[] {
  if (typeof name !== 'string' || name === '') return [];
  return nameIsDNSSubdomain(name, false).map((m) => invalid(path, name, m));
}

/** ValidatePersistentVolumeClaimSpec. */
export function validatePVCSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs = validateAccessModes(spec, path, 'at least 1 access mode is required');
  errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  const storagePath = path.child('resources').key('storage');
  const storage = asObj(asObj(spec.resources)?.requests)?.storage;
  if (storage === undefined) errs.push(required(storagePath));
  else {
    const q = parseResourceQuantity(storage, storagePath, errs);
    if (q) {
      const pos = validatePositiveQuantityValue(q, storagePath);
      errs.push(...(pos.length > 0 ? pos : validateResourceQuantityValue('storage', q, storagePath)));
    }
  }
  errs.push(...validateClassName(spec.storageClassName, path.child('storageClassName')));
  if (spec.volumeMode !== undefined && spec.volumeMode !== null && !volumeModes.includes(str(spec.volumeMode))) {
    errs.push(notSupported(path.child('volumeMode'), spec.volumeMode, volumeModes));
  }
  for (const key of ['dataSource', 'dataSourceRef']) {
    const ds = asObj(spec[key]);
    if (!ds) continue;
    if (str(ds.name) === '') errs.push(required(path.child(key).child('name')));
    if (str(ds.kind) === '') errs.push(required(path.child(key).child('kind')));
    if (str(ds.apiGroup) === '' && str(ds.kind) !== 'PersistentVolumeClaim') {
      errs.push(invalid(path.child(key), str(ds.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
    }
  }
  return errs;
}

function storageOf(spec: Obj): Quantity | undefined {
  return Quantity.tryParse(str(asObj(asObj(spec.resources)?.requests)?.storage));
}

/** The PersistentVolumeClaim strategy. */
export const pvcStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: false,
  defaults(obj) {
    const spec = ensureObj(asRecord(obj), 'spec');
    if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
    canonicalizeResourceList(asObj(spec.resources)?.requests);
    canonicalizeResourceList(asObj(spec.resources)?.limits);
    const status = ensureObj(asRecord(obj), 'status');
    if (!status.phase) status.phase = 'Pending';
  },
  prepareForCreate(_ctx, obj) {
    obj.status = { phase: 'Pending' };
  },
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validatePVCSpec(obj.spec, FieldPath.of('spec'))],
  validateUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    errs.push(...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validatePVCSpec(obj.spec, FieldPath.of('spec')));
    const spec = asObj(obj.spec) ?? {};
    const oldSpec = asObj(old.spec) ?? {};
    const newClone = clone(spec);
    const oldClone = clone(oldSpec);
    if (str(oldSpec.volumeName) === '') oldClone.volumeName = newClone.volumeName;
    if ((oldSpec.storageClassName === undefined || oldSpec.storageClassName === null) && typeof spec.storageClassName === 'string') {
      newClone.storageClassName = oldClone.storageClassName;
    }
    const bound = str(asObj(obj.status)?.phase) === 'Bound';
    if (bound && asObj(asObj(newClone.resources)?.requests)) {
      const reqs = ensureObj(ensureObj(newClone, 'resources'), 'requests');
      reqs.storage = asObj(asObj(oldSpec.resources)?.requests)?.storage;
    }
    if (bound && newClone.volumeAttributesClassName !== undefined) newClone.volumeAttributesClassName = oldClone.volumeAttributesClassName;
    if (!semanticEqual(newClone, oldClone)) {
      errs.push(
        forbidden(
          FieldPath.of('spec'),
          `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${jsonDiff('core.PersistentVolumeClaimSpec', oldClone, newClone)}`,
        ),
      );
    }
    const newSize = storageOf(spec);
    const oldSize = storageOf(oldSpec);
    const statusSize = Quantity.tryParse(str(asObj(asObj(old.status)?.capacity)?.storage)) ?? Quantity.of(0n);
    if (newSize && oldSize && newSize.cmp(oldSize) < 0 && newSize.cmp(statusSize) <= 0) {
      errs.push(forbidden(FieldPath.of('spec', 'resources', 'requests', 'storage'), 'field can not be less than status.capacity'));
    }
    errs.push(...validateImmutableField(spec.volumeMode ?? null, oldSpec.volumeMode ?? null, FieldPath.of('volumeMode')));
    return errs;
  },
  validateStatusUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    if ((asArr(asObj(obj.spec)?.accessModes) ?? []).length === 0) errs.push(required(FieldPath.of('Spec', 'accessModes')));
    for (const [k, v] of Object.entries(asObj(asObj(obj.status)?.capacity) ?? {})) {
      const p = FieldPath.of('status', 'capacity').key(k);
      const q = parseResourceQuantity(v, p, errs);
      if (q && q.sign() < 0) errs.push(invalid(p, Number(q.value()), 'must be a valid resource quantity'));
    }
    return errs;
  },
});

/** Defaults of a PersistentVolumeClaim embedded in a template (StatefulSet volumeClaimTemplates). */
export function defaultPVCTemplate(pvc: Obj): void {
  const spec = ensureObj(pvc, 'spec');
  if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
  canonicalizeResourceList(asObj(spec.resources)?.requests);
  canonicalizeResourceList(asObj(spec.resources)?.limits);
  const status = ensureObj(pvc, 'status');
  if (!status.phase) status.phase = 'Pending';
}

/** ValidatePersistentVolumeSpec (non-inline). */
export function validatePVSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs = validateAccessModes(spec, path, '');
  const capacity = asObj(spec.capacity) ?? {};
  if (Object.keys(capacity).length === 0) errs.push(required(path.child('capacity')));
  if (!('storage' in capacity) || Object.keys(capacity).length > 1) errs.push(notSupported(path.child('capacity'), capacity, ['storage']));
  for (const [k, v] of Object.entries(capacity)) {
    const p = path.child('capacity').key(k);
    const q = parseResourceQuantity(v, p, errs);
    if (q) {
      if (q.sign() < 0) errs.push(invalid(p, Number(q.value()), 'must be a valid resource quantity'));
      errs.push(...validatePositiveQuantityValue(q, p));
    }
  }
  const rp = str(spec.persistentVolumeReclaimPolicy);
  if (rp !== '' && !reclaimPolicies.includes(rp)) errs.push(notSupported(path.child('persistentVolumeReclaimPolicy'), rp, reclaimPolicies));
  let count = 0;
  for (const key of pvSourceKeys) {
    const src = asObj(spec[key]);
    if (!src) continue;
    if (count > 0 && key !== 'flexVolume') {
      errs.push(forbidden(path.child(key), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    if (key === 'hostPath' && str(src.path) === '') errs.push(required(path.child('hostPath').child('path')));
    if (key === 'nfs') {
      if (str(src.server) === '') errs.push(required(path.child('nfs').child('server')));
      if (str(src.path) === '') errs.push(required(path.child('nfs').child('path')));
    }
    if (key === 'local') {
      if (str(src.path) === '') errs.push(required(path.child('local').child('path')));
      if (!asObj(spec.nodeAffinity)) errs.push(required(path.child('nodeAffinity'), 'Local volume requires node affinity'));
    }
    if (key === 'csi') {
      if (str(src.driver) === '') errs.push(required(path.child('csi').child('driver')));
      if (str(src.volumeHandle) === '') errs.push(required(path.child('csi').child('volumeHandle')));
    }
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  errs.push(...validateClassName(spec.storageClassName, path.child('storageClassName')));
  if (spec.volumeMode !== undefined && spec.volumeMode !== null && !volumeModes.includes(str(spec.volumeMode))) {
    errs.push(notSupported(path.child('volumeMode'), spec.volumeMode, volumeModes));
  }
  return errs;
}

function validatePV(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain), ...validatePVSpec(obj.spec, FieldPath.of('spec'))];
}

/** The PersistentVolume strategy. */
export const pvStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: false,
  defaults(obj) {
    const spec = ensureObj(asRecord(obj), 'spec');
    if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
    if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
    canonicalizeQuantityMap(spec.capacity);
    // PV sources share the volume source defaulters (hostPath type, rbd pool...).
    const asVolume: Obj = {};
    for (const k of pvSourceKeys) if (spec[k] !== undefined) asVolume[k] = spec[k];
    if (Object.keys(asVolume).length > 0) defaultVolume(asVolume);
    const status = ensureObj(asRecord(obj), 'status');
    if (!status.phase) status.phase = 'Pending';
  },
  prepareForCreate(_ctx, obj) {
    obj.status = { phase: 'Pending', lastPhaseTransitionTime: nowRFC3339() };
  },
  validate: (_ctx, obj) => validatePV(obj),
  validateUpdate(_ctx, obj, old) {
    const errs = validatePV(obj);
    const spec = asObj(obj.spec) ?? {};
    const oldSpec = asObj(old.spec) ?? {};
    const source = (s: Obj): Obj => Object.fromEntries(pvSourceKeys.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));
    const newSource = source(spec);
    const oldSource = source(oldSpec);
    const oldCsi = asObj(oldSource.csi);
    const newCsi = asObj(newSource.csi);
    if (oldCsi && newCsi && oldCsi.controllerExpandSecretRef === undefined) {
      newSource.csi = { ...newCsi };
      delete (newSource.csi as Obj).controllerExpandSecretRef;
    }
    if (!semanticEqual(newSource, oldSource)) {
      errs.push(
        forbidden(
          FieldPath.of('spec', 'persistentvolumesource'),
          `spec.persistentvolumesource is immutable after creation\n${jsonDiff('core.PersistentVolumeSource', oldSource, newSource)}`,
        ),
      );
    }
    errs.push(...validateImmutableField(spec.volumeMode ?? null, oldSpec.volumeMode ?? null, FieldPath.of('volumeMode')));
    return errs;
  },
  prepareForStatusUpdate(_ctx, obj, old) {
    const status = ensureObj(asRecord(obj), 'status');
    const oldStatus = asObj(old.status) ?? {};
    const t = status.lastPhaseTransitionTime;
    if (status.phase === oldStatus.phase && (t === undefined || t === null)) {
      if (oldStatus.lastPhaseTransitionTime !== undefined) status.lastPhaseTransitionTime = oldStatus.lastPhaseTransitionTime;
    } else if (status.phase !== oldStatus.phase && (t === undefined || t === null || t === oldStatus.lastPhaseTransitionTime)) {
      status.lastPhaseTransitionTime = nowRFC3339();
    }
  },
  validateStatusUpdate: (_ctx, obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
});
