/**
 * storage.k8s.io/v1 StorageClass, CSIDriver, CSINode, CSIStorageCapacity
 * and VolumeAttachment (pkg/apis/storage/v1/defaults.go,
 * pkg/apis/storage/validation, pkg/registry/storage/*).
 */
import type { KubeObject } from '../../runtime/object.js';
import { duplicate, FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required, tooLong } from '../../validation/field/errors.js';
import { goLabelSelector, goStringSliceText } from '../../validation/gofmt.js';
import { asArr, asObj, ensureObj, num, objs, semanticEqual, str, type Obj } from '../../validation/json.js';
import { validateLabelSelector } from '../../validation/labelselector.js';
import { byteLength, inclusiveRangeError, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateImmutableField, validateLabelName, validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { Quantity } from '../../validation/quantity.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { isSet, stringList } from '../common/validators.js';
import { validatePVSpec } from '../core/storage.js';

const reclaimPolicies = ['Delete', 'Retain'];
const bindingModes = ['Immediate', 'WaitForFirstConsumer'];
const maxParameterSize = 256 * 1024;
const maxParameterCount = 512;

/** ValidateCSIDriverName (core): required, at most 63 characters, a DNS subdomain in lower case. */
export function validateCSIDriverName(name: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (name.length === 0) errs.push(required(path));
  if (byteLength(name) > 63) errs.push(tooLong(path, name, 63));
  for (const m of isDNS1123Subdomain(name.toLowerCase())) errs.push(invalid(path, name, m));
  return errs;
}

function validateProvisioner(value: string, path: FieldPath): FieldError[] {
  if (value.length === 0) return [required(path)];
  const lower = value.toLowerCase();
  return isQualifiedName(lower).map((m) => invalid(path, lower, m));
}

function validateParameters(paramsIn: unknown, path: FieldPath): FieldError[] {
  const params = asObj(paramsIn) ?? {};
  const entries = Object.entries(params);
  if (entries.length > maxParameterCount) return [tooLong(path, '', maxParameterCount)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errs.push(invalid(path, k, 'field can not be empty.'));
    size += byteLength(k) + byteLength(str(v));
  }
  if (size > maxParameterSize) errs.push(tooLong(path, '', maxParameterSize));
  return errs;
}

function validateAllowedTopologies(termsIn: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen: string[] = [];
  (asArr(termsIn) ?? []).forEach((t, i) => {
    const tp = path.index(i);
    const keys = new Map<string, string[]>();
    objs(asObj(t), 'matchLabelExpressions').forEach((req, j) => {
      const rp = tp.child('matchLabelExpressions').index(j);
      const values = stringList(req.values);
      if (values.length === 0) errs.push(required(rp.child('values')));
      const set = new Set<string>();
      values.forEach((v, k) => {
        if (set.has(v)) errs.push(duplicate(rp.child('values').index(k), v));
        set.add(v);
      });
      errs.push(...validateLabelName(str(req.key), rp.child('key')));
      if (keys.has(str(req.key))) errs.push(duplicate(rp.child('key'), str(req.key)));
      keys.set(str(req.key), [...set].sort());
    });
    const canon = JSON.stringify([...keys.entries()].sort());
    if (seen.includes(canon)) errs.push(duplicate(tp.child('matchLabelExpressions'), ''));
    seen.push(canon);
  });
  return errs;
}

/** ValidateStorageClass. */
export function validateStorageClass(obj: KubeObject): FieldError[] {
  const o = asRecord(obj);
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  errs.push(...validateProvisioner(str(o.provisioner), FieldPath.of('provisioner')));
  errs.push(...validateParameters(o.parameters, FieldPath.of('parameters')));
  const reclaim = str(o.reclaimPolicy);
  if (reclaim !== '' && !reclaimPolicies.includes(reclaim)) errs.push(notSupported(FieldPath.of('reclaimPolicy'), reclaim, reclaimPolicies));
  if (!isSet(o.volumeBindingMode)) errs.push(required(FieldPath.of('volumeBindingMode')));
  else if (!bindingModes.includes(str(o.volumeBindingMode))) errs.push(notSupported(FieldPath.of('volumeBindingMode'), str(o.volumeBindingMode), bindingModes));
  errs.push(...validateAllowedTopologies(o.allowedTopologies, FieldPath.of('allowedTopologies')));
  return errs;
}

function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (!semanticEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden(FieldPath.of('parameters'), 'updates to parameters are forbidden.'));
  if (str(obj.provisioner) !== str(old.provisioner)) errs.push(forbidden(FieldPath.of('provisioner'), 'updates to provisioner are forbidden.'));
  if (str(obj.reclaimPolicy) !== str(old.reclaimPolicy)) errs.push(forbidden(FieldPath.of('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(str(obj.volumeBindingMode), str(old.volumeBindingMode), FieldPath.of('volumeBindingMode')));
  return errs;
}

/** The StorageClass strategy. */
export const storageClassStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: false,
  defaults(obj) {
    const o = asRecord(obj);
    if (!isSet(o.reclaimPolicy)) o.reclaimPolicy = 'Delete';
    if (!isSet(o.volumeBindingMode)) o.volumeBindingMode = 'Immediate';
  },
  validate: (_ctx, obj) => validateStorageClass(obj),
  validateUpdate: (_ctx, obj, old) => [...validateStorageClass(obj), ...validateStorageClassUpdate(obj, old)],
});

const fsGroupPolicies = ['File', 'None', 'ReadWriteOnceWithFSType'];
const lifecycleModes = ['Persistent', 'Ephemeral'];

/** SetDefaults_CSIDriver. */
export function defaultCSIDriver(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  const defaults: Obj = {
    attachRequired: true,
    podInfoOnMount: false,
    storageCapacity: false,
    fsGroupPolicy: 'ReadWriteOnceWithFSType',
    requiresRepublish: false,
    seLinuxMount: false,
  };
  for (const [k, v] of Object.entries(defaults)) if (!isSet(spec[k])) spec[k] = v;
  if ((asArr(spec.volumeLifecycleModes) ?? []).length === 0) spec.volumeLifecycleModes = ['Persistent'];
}

function validateCSIDriverSpec(specIn: unknown): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const path = FieldPath.of('spec');
  const errs: FieldError[] = [];
  if (!isSet(spec.attachRequired)) errs.push(required(path.child('attachedRequired')));
  if (!isSet(spec.podInfoOnMount)) errs.push(required(path.child('podInfoOnMount')));
  if (!isSet(spec.storageCapacity)) errs.push(required(path.child('storageCapacity')));
  if (isSet(spec.fsGroupPolicy) && !fsGroupPolicies.includes(str(spec.fsGroupPolicy))) errs.push(notSupported(path.child('fsGroupPolicy'), str(spec.fsGroupPolicy), fsGroupPolicies));
  const audiences = new Set<string>();
  objs(spec, 'tokenRequests').forEach((tr, i) => {
    const tp = path.child('tokenRequests').index(i);
    const audience = str(tr.audience);
    if (audiences.has(audience)) {
      errs.push(duplicate(tp.child('audience'), audience));
      return;
    }
    audiences.add(audience);
    const exp = num(tr.expirationSeconds);
    if (exp === undefined) return;
    if (exp < 600) errs.push(invalid(tp.child('expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
    if (exp > 2 ** 32) errs.push(invalid(tp.child('expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
  });
  for (const m of stringList(spec.volumeLifecycleModes)) {
    if (!lifecycleModes.includes(m)) errs.push(notSupported(path.child('volumeLifecycleModes'), m, lifecycleModes));
  }
  if (!isSet(spec.seLinuxMount)) errs.push(required(path.child('seLinuxMount')));
  const period = num(spec.nodeAllocatableUpdatePeriodSeconds);
  if (period !== undefined && period < 10) errs.push(invalid(path.child('nodeAllocatableUpdatePeriodSeconds'), period, 'must be greater than or equal to 10 seconds'));
  return errs;
}

function validateCSIDriver(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain), ...validateCSIDriverSpec(obj.spec)];
}

/** The CSIDriver strategy. */
export const csiDriverStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: true,
  allowUnconditionalUpdate: false,
  defaults: defaultCSIDriver,
  validate: (_ctx, obj) => validateCSIDriver(obj),
  validateUpdate(_ctx, obj, old) {
    const n = asObj(obj.spec) ?? {};
    const o = asObj(old.spec) ?? {};
    return [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateCSIDriverSpec(obj.spec),
      ...validateImmutableField(n.attachRequired ?? null, o.attachRequired ?? null, FieldPath.of('spec', 'attachedRequired')),
      ...validateImmutableField(n.volumeLifecycleModes ?? null, o.volumeLifecycleModes ?? null, FieldPath.of('spec', 'volumeLifecycleModes'), new RawValue(`[]storage.VolumeLifecycleMode${goStringSliceText(stringList(n.volumeLifecycleModes)).slice('[]string'.length)}`)),
    ];
  },
});

/** Longest CSI node ID accepted (AllowLongNodeID). */
const csiNodeIDMaxLength = 256;

function validateCSINodeSpec(specIn: unknown): FieldError[] {
  const path = FieldPath.of('spec', 'drivers');
  const errs: FieldError[] = [];
  const names = new Set<string>();
  objs(asObj(specIn), 'drivers').forEach((d, i) => {
    const dp = path.index(i);
    const name = str(d.name);
    errs.push(...validateCSIDriverName(name, dp.child('name')));
    const nodeID = str(d.nodeID);
    if (nodeID.length === 0) errs.push(required(dp.child('nodeID')));
    if (byteLength(nodeID) > csiNodeIDMaxLength) errs.push(invalid(dp.child('nodeID'), nodeID, `must be ${csiNodeIDMaxLength} characters or less`));
    const count = num(asObj(d.allocatable)?.count);
    if (count !== undefined) errs.push(...validateNonnegativeField(count, dp.child('allocatable', 'count')));
    if (names.has(name)) errs.push(duplicate(dp.child('name'), name));
    names.add(name);
    const keys = new Set<string>();
    for (const key of stringList(d.topologyKeys)) {
      if (key.length === 0) errs.push(required(dp));
      if (keys.has(key)) errs.push(duplicate(dp, key));
      keys.add(key);
      errs.push(...validateLabelName(key, dp));
    }
  });
  return errs;
}

function goCSINodeDriver(d: Obj): RawValue {
  const alloc = asObj(d.allocatable) ? '&storage.VolumeNodeResources{...}' : '(*storage.VolumeNodeResources)(nil)';
  return new RawValue(
    `storage.CSINodeDriver{Name:${JSON.stringify(str(d.name))}, NodeID:${JSON.stringify(str(d.nodeID))}, TopologyKeys:${goStringSliceText(asArr(d.topologyKeys) ?? null)}, Allocatable:${alloc}}`,
  );
}

function validateCSINode(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain), ...validateCSINodeSpec(obj.spec)];
}

/** The CSINode strategy. */
export const csiNodeStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: false,
  allowUnconditionalUpdate: false,
  defaults(obj) {
    const spec = ensureObj(asRecord(obj), 'spec');
    if (spec.drivers === undefined) spec.drivers = null;
  },
  validate: (_ctx, obj) => validateCSINode(obj),
  validateUpdate(_ctx, obj, old) {
    const errs = [...validateCSINode(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata)];
    const newDrivers = objs(asObj(obj.spec), 'drivers');
    for (const o of objs(asObj(old.spec), 'drivers')) {
      for (const n of newDrivers) {
        if (str(n.name) === str(o.name)) errs.push(...validateImmutableField(n, o, FieldPath.of('spec', 'drivers'), goCSINodeDriver(n)));
      }
    }
    return errs;
  },
});

function validateCapacity(obj: KubeObject): FieldError[] {
  const o = asRecord(obj);
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateLabelSelector(o.nodeTopology, FieldPath.of('nodeTopology')));
  const className = str(o.storageClassName);
  for (const m of nameIsDNSSubdomain(className, false)) errs.push(invalid(FieldPath.of('storageClassName'), className, m));
  if (isSet(o.capacity)) {
    const q = Quantity.tryParse(String(o.capacity));
    if (q && q.sign() < 0) errs.push(invalid(FieldPath.of('capacity'), q.toString(), 'must be greater than or equal to 0'));
  }
  return errs;
}

/** The CSIStorageCapacity strategy. */
export const csiStorageCapacityStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  allowUnconditionalUpdate: false,
  validate: (_ctx, obj) => validateCapacity(obj),
  validateUpdate(_ctx, obj, old) {
    const errs = [...validateCapacity(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata)];
    if (!semanticEqual(obj.nodeTopology, old.nodeTopology)) {
      errs.push(invalid(FieldPath.of('nodeTopology'), isSet(obj.nodeTopology) ? goLabelSelector(obj.nodeTopology) : null, 'field is immutable'));
    }
    if (str(obj.storageClassName) !== str(old.storageClassName)) errs.push(invalid(FieldPath.of('storageClassName'), str(obj.storageClassName), 'field is immutable'));
    return errs;
  },
});

function validateVolumeAttachment(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const spec = asObj(obj.spec) ?? {};
  const path = FieldPath.of('spec');
  const attacher = str(spec.attacher);
  if (attacher.length === 0) errs.push(required(path.child('attacher')));
  const source = asObj(spec.source) ?? {};
  const sp = path.child('source');
  const hasInline = isSet(source.inlineVolumeSpec);
  const hasPV = isSet(source.persistentVolumeName);
  if (!hasInline && !hasPV) errs.push(required(sp, 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (hasInline && hasPV) errs.push(forbidden(sp, 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (hasPV) {
    if (str(source.persistentVolumeName) === '') errs.push(required(sp.child('persistentVolumeName'), 'must specify non empty persistentVolumeName'));
  } else {
    errs.push(...validatePVSpec(source.inlineVolumeSpec, sp.child('inlineVolumeSpec')));
  }
  const nodeName = str(spec.nodeName);
  for (const m of nameIsDNSSubdomain(nodeName, false)) errs.push(invalid(path.child('nodeName'), nodeName, m));
  const status = asObj(obj.status) ?? {};
  const stp = FieldPath.of('status');
  let metaSize = 0;
  for (const [k, v] of Object.entries(asObj(status.attachmentMetadata) ?? {})) metaSize += byteLength(k) + byteLength(str(v));
  if (metaSize > maxParameterSize) errs.push(tooLong(stp.child('attachmentMetadata'), '', maxParameterSize));
  for (const k of ['attachError', 'detachError']) {
    const e = asObj(status[k]);
    if (!e) continue;
    if (byteLength(str(e.message)) > 1024) errs.push(tooLong(stp.child(k, 'message'), '', maxParameterSize));
    const code = num(e.errorCode);
    if (code !== undefined && code < 0) errs.push(invalid(stp.child(k, 'errorCode'), code, inclusiveRangeError(0, 2147483647)));
  }
  return errs;
}

/** ValidateVolumeAttachmentV1: the attacher is a CSI driver name; a PV name is a DNS subdomain. */
function validateVolumeAttachmentV1(obj: KubeObject): FieldError[] {
  const spec = asObj(obj.spec) ?? {};
  const errs = validateCSIDriverName(str(spec.attacher), FieldPath.of('spec.attacher'));
  const pv = asObj(spec.source)?.persistentVolumeName;
  if (typeof pv === 'string') for (const m of nameIsDNSSubdomain(pv, false)) errs.push(invalid(FieldPath.of('spec.source.persistentVolumeName'), pv, m));
  return errs;
}

function volumeAttachmentUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = [...validateVolumeAttachment(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata)];
  if (!semanticEqual(obj.spec, old.spec)) {
    const spec = asObj(obj.spec) ?? {};
    errs.push(
      invalid(
        FieldPath.of('spec'),
        new RawValue(`storage.VolumeAttachmentSpec{Attacher:${JSON.stringify(str(spec.attacher))}, Source:storage.VolumeAttachmentSource{...}, NodeName:${JSON.stringify(str(spec.nodeName))}}`),
        'field is immutable',
      ),
    );
  }
  return errs;
}

/** The VolumeAttachment strategy. */
export const volumeAttachmentStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: false,
  allowUnconditionalUpdate: false,
  defaults(obj) {
    const status = ensureObj(asRecord(obj), 'status');
    if (!isSet(status.attached)) status.attached = false;
  },
  prepareForCreate(_ctx, obj) {
    obj.status = { attached: false };
  },
  validate: (_ctx, obj) => [...validateVolumeAttachment(obj), ...validateVolumeAttachmentV1(obj)],
  validateUpdate: (_ctx, obj, old) => volumeAttachmentUpdate(obj, old),
  validateStatusUpdate: (_ctx, obj, old) => volumeAttachmentUpdate(obj, old),
});
