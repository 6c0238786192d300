/**
 * core/v1 Pod (pkg/registry/core/pod/strategy.go): defaults, Pending status
 * and QoS class on create, generation (1.33), the update rules (only images,
 * activeDeadlineSeconds, added tolerations, removed scheduling gates), the
 * status, ephemeralcontainers and resize subresources.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, required } from '../../validation/field/errors.js';
import { asArr, asObj, clone, ensureObj, num, objs, semanticEqual, str, type Obj } from '../../validation/json.js';
import { isIP, isQualifiedName, nameIsDNSSubdomain } from '../../validation/names.js';
import { FieldImmutableErrorMsg, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { buildStrategy, copyAllExcept, metaOf, bumpGeneration, asRecord } from '../common/strategy.js';
import { defaultPodOnly, defaultPodSpec, syncDeprecatedServiceAccount } from './podspec_defaults.js';
import { validateContainersOnlyForPod, validatePodSpec } from './podspec_validation.js';
import { computePodQOS } from './resources.js';
import { jsonDiff } from '../common/diff.js';

function specOf(obj: KubeObject): Obj {
  return asObj(obj.spec) ?? {};
}

/** Pod defaults: SetDefaults_Pod then the PodSpec defaulters. */
export function defaultPod(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  defaultPodOnly(spec);
  defaultPodSpec(spec);
}

function validatePodMetadataAndSpec(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const specPath = FieldPath.of('spec');
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  const annotations = asObj(obj.metadata?.annotations) ?? {};
  const mirror = annotations['kubernetes.io/config.mirror'];
  if (mirror !== undefined && str(spec.nodeName) === '') {
    errs.push(invalid(FieldPath.of('metadata', 'annotations').key('kubernetes.io/config.mirror'), str(mirror), 'must set spec.nodeName if mirror pod annotation is set'));
  }
  const cost = annotations['controller.kubernetes.io/pod-deletion-cost'];
  if (cost !== undefined && !/^[+-]?[0-9]+$/.test(str(cost))) {
    errs.push(invalid(FieldPath.of('metadata', 'annotations').key('controller.kubernetes.io/pod-deletion-cost'), str(cost), 'must be a 32bit integer'));
  }
  errs.push(...validatePodSpec(spec, specPath, { resourceIsPod: true }));
  if (str(spec.serviceAccountName) === '') {
    objs(spec, 'volumes').forEach((v, vi) => {
      objs(asObj(v.projected), 'sources').forEach((s, si) => {
        if (s.serviceAccountToken) {
          errs.push(
            forbidden(
              specPath.child('volumes').index(vi).child('projected').child('sources').index(si).child('serviceAccountToken'),
              'must not be specified when serviceAccountName is not set',
            ),
          );
        }
      });
    });
  }
  errs.push(...validateContainersOnlyForPod(objs(spec, 'containers'), specPath.child('containers')));
  errs.push(...validateContainersOnlyForPod(objs(spec, 'initContainers'), specPath.child('initContainers')));
  return errs;
}

/** ValidatePodCreate. */
export function validatePodCreate(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validatePodMetadataAndSpec(obj);
  if ((asArr(spec.ephemeralContainers) ?? []).length > 0) errs.push(forbidden(FieldPath.of('spec', 'ephemeralContainers'), 'cannot be set on create'));
  if (str(spec.nodeName) !== '' && (asArr(spec.schedulingGates) ?? []).length > 0) {
    errs.push(forbidden(FieldPath.of('spec', 'nodeName'), 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

const updatableFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateContainerUpdates(newC: Obj[], oldC: Obj[], path: FieldPath): { errs: FieldError[]; stop: boolean } {
  if (newC.length !== oldC.length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  newC.forEach((c, i) => {
    const image = str(c.image);
    if (image === '') errs.push(required(path.index(i).child('image')));
    if (image.trim() !== image) errs.push(invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** ValidatePodUpdate. */
export function validatePodUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const specPath = FieldPath.of('spec');
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validatePodMetadataAndSpec(obj));
  for (const key of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(objs(spec, key), objs(oldSpec, key), specPath.child(key));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = num(spec.activeDeadlineSeconds);
  const oldAds = num(oldSpec.activeDeadlineSeconds);
  if (ads !== undefined) {
    if (ads < 0 || ads > 2147483647) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), ads, 'must be between 0 and 2147483647, inclusive'));
      return errs;
    }
    if (oldAds !== undefined && oldAds < ads) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldAds !== undefined) {
    errs.push(invalid(specPath.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
  }
  const newTols = objs(spec, 'tolerations');
  for (const t of objs(oldSpec, 'tolerations')) {
    const found = newTols.some((n) => semanticEqual({ ...t, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) {
      errs.push(forbidden(specPath.child('tolerations'), 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  const oldGates = new Set(objs(oldSpec, 'schedulingGates').map((g) => str(g.name)));
  objs(spec, 'schedulingGates').forEach((g, i) => {
    if (!oldGates.has(str(g.name))) {
      errs.push(forbidden(specPath.child('schedulingGates').index(i).child('name'), `only deletion is allowed, but found new scheduling gate '${str(g.name)}'`));
    }
  });
  if (semanticEqual(spec, oldSpec)) return errs;
  const munged = clone(spec);
  for (const key of ['containers', 'initContainers']) {
    const oldList = objs(oldSpec, key);
    objs(munged, key).forEach((c, i) => {
      c.image = oldList[i]?.image;
    });
  }
  if (oldSpec.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  if (oldSpec.schedulingGates === undefined) delete munged.schedulingGates;
  else munged.schedulingGates = clone(oldSpec.schedulingGates);
  if (oldSpec.tolerations === undefined) delete munged.tolerations;
  else munged.tolerations = clone(oldSpec.tolerations);
  const oldTgps = num(oldSpec.terminationGracePeriodSeconds);
  if (oldTgps !== undefined && oldTgps < 0 && num(munged.terminationGracePeriodSeconds) === 1) munged.terminationGracePeriodSeconds = oldTgps;
  if (oldGates.size > 0 && !semanticEqual(munged.nodeSelector, oldSpec.nodeSelector)) {
    const oldSel = asObj(oldSpec.nodeSelector) ?? {};
    const newSel = asObj(munged.nodeSelector) ?? {};
    for (const [k, v] of Object.entries(oldSel)) {
      if (newSel[k] !== v) errs.push(invalid(specPath.child('nodeSelector'), newSel, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    munged.nodeSelector = clone(oldSpec.nodeSelector);
  }
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(forbidden(specPath, `pod updates may not change fields other than ${updatableFields.join(',')}\n${jsonDiff('core.PodSpec', oldSpec, munged)}`));
  }
  return errs;
}

/** ValidatePodStatusUpdate (a subset: metadata, nominatedNodeName, QoS class immutability, pod IPs). */
export function validatePodStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const status = asObj(obj.status) ?? {};
  const oldStatus = asObj(old.status) ?? {};
  objs(status, 'conditions').forEach((c, i) => {
    const t = str(c.type);
    if (!['PodScheduled', 'Ready', 'Initialized'].includes(t)) {
      const p = FieldPath.of('metadata', 'conditions').index(i).child('Type');
      for (const m of isQualifiedName(t)) errs.push(invalid(p, t, m));
    }
  });
  const nnn = str(status.nominatedNodeName);
  if (nnn !== str(oldStatus.nominatedNodeName) && nnn !== '') {
    for (const m of nameIsDNSSubdomain(nnn, false)) errs.push(invalid(FieldPath.of('status', 'nominatedNodeName'), nnn, m));
  }
  if (str(status.qosClass) !== str(oldStatus.qosClass)) errs.push(invalid(FieldPath.of('status', 'qosClass'), str(status.qosClass), FieldImmutableErrorMsg));
  objs(status, 'podIPs').forEach((ip, i) => {
    if (!isIP(str(ip.ip))) errs.push(invalid(FieldPath.of('status', 'podIPs').index(i), str(ip.ip), 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  return errs;
}

/** Copies everything but the listed metadata-independent parts from old (metav1.ResetObjectMetaForStatus). */
function resetObjectMetaForStatus(obj: KubeObject, old: KubeObject): void {
  const meta = metaOf(obj);
  const om = old.metadata ?? {};
  for (const k of ['deletionTimestamp', 'generation', 'labels', 'annotations', 'finalizers', 'ownerReferences']) {
    if (om[k] === undefined) delete meta[k];
    else meta[k] = clone(om[k]);
  }
}

/** The PodScheduled=False condition of a pod with scheduling gates. */
function applySchedulingGatedCondition(obj: KubeObject): void {
  if ((asArr(specOf(obj).schedulingGates) ?? []).length === 0) return;
  const status = ensureObj(asRecord(obj), 'status');
  const conditions = (asArr(status.conditions) ?? []) as unknown[];
  conditions.push({
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: null,
    reason: 'SchedulingGated',
    message: 'Scheduling is blocked due to non-empty scheduling gates',
  });
  status.conditions = conditions;
}

/** The Pod strategy. */
export const podStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  defaults: defaultPod,
  prepareForCreate(_ctx, obj) {
    obj.status = { phase: 'Pending', qosClass: computePodQOS(specOf(obj)) };
    applySchedulingGatedCondition(obj);
  },
  validate: (_ctx, obj) => validatePodCreate(obj),
  // Admission (the ServiceAccount plugin) may have set serviceAccountName after defaulting.
  canonicalize: (obj) => syncDeprecatedServiceAccount(ensureObj(asRecord(obj), 'spec')),
  validateUpdate: (_ctx, obj, old) => validatePodUpdate(obj, old),
  prepareForStatusUpdate(_ctx, obj, old) {
    const meta = metaOf(obj);
    if (old.metadata?.ownerReferences === undefined) delete meta.ownerReferences;
    else meta.ownerReferences = clone(old.metadata.ownerReferences);
    const status = ensureObj(asRecord(obj), 'status');
    const oldStatus = asObj(old.status) ?? {};
    if (!status.qosClass && oldStatus.qosClass) status.qosClass = oldStatus.qosClass;
    if (status.observedGeneration === undefined && oldStatus.observedGeneration !== undefined) status.observedGeneration = oldStatus.observedGeneration;
  },
  validateStatusUpdate: (_ctx, obj, old) => validatePodStatusUpdate(obj, old),
  subresources: {
    ephemeralcontainers: {
      prepareForUpdate(_ctx, obj, old) {
        const ephemeral = specOf(obj).ephemeralContainers;
        copyAllExcept(obj, old, []);
        resetObjectMetaForStatus(obj, old);
        const spec = ensureObj(asRecord(obj), 'spec');
        if (ephemeral === undefined) delete spec.ephemeralContainers;
        else spec.ephemeralContainers = ephemeral;
        bumpGeneration(obj, old, !semanticEqual(obj.spec, old.spec));
      },
      validateUpdate(_ctx, obj, old) {
        const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
        errs.push(...validatePodMetadataAndSpec(obj));
        const path = FieldPath.of('spec', 'ephemeralContainers');
        const byName = new Map(objs(specOf(obj), 'ephemeralContainers').map((c) => [str(c.name), c]));
        for (const o of objs(specOf(old), 'ephemeralContainers')) {
          const n = byName.get(str(o.name));
          if (!n) errs.push(forbidden(path, `existing ephemeral containers "${str(o.name)}" may not be removed\n`));
          else if (!semanticEqual(o, n)) errs.push(forbidden(path, `existing ephemeral containers "${str(o.name)}" may not be changed\n${jsonDiff('core.EphemeralContainer', o, n)}`));
        }
        return errs;
      },
    },
    resize: {
      prepareForUpdate(_ctx, obj, old) {
        const spec = specOf(obj);
        const oldSpec = specOf(old);
        const keep = (key: string): Obj[] | undefined => {
          const n = objs(spec, key);
          const o = objs(oldSpec, key);
          if (n.length !== o.length || n.some((c, i) => str(c.name) !== str(o[i].name))) return undefined;
          return o.map((c, i) => {
            const merged = clone(c);
            merged.resources = clone(n[i].resources);
            if (n[i].resizePolicy === undefined) delete merged.resizePolicy;
            else merged.resizePolicy = clone(n[i].resizePolicy);
            return merged;
          });
        };
        const containers = keep('containers');
        const inits = keep('initContainers');
        if (!containers || !inits) return;
        copyAllExcept(obj, old, []);
        resetObjectMetaForStatus(obj, old);
        const s = ensureObj(asRecord(obj), 'spec');
        s.containers = containers;
        if (inits.length > 0) s.initContainers = inits;
        bumpGeneration(obj, old, !semanticEqual(obj.spec, old.spec));
      },
      validateUpdate(_ctx, obj, old) {
        const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
        errs.push(...validatePodMetadataAndSpec(obj));
        if (computePodQOS(specOf(obj)) !== str(asObj(old.status)?.qosClass || computePodQOS(specOf(old)))) {
          errs.push(invalid(FieldPath.of('spec'), str(asObj(obj.status)?.qosClass), 'Pod QOS Class may not change as a result of resizing'));
        }
        return errs;
      },
    },
  },
});
