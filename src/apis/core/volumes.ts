/**
 * Pod volume validation (a practical subset of ValidateVolumes): names,
 * exactly one source, and the common sources' required fields and modes.
 */
import { duplicate, FieldError, FieldPath, forbidden, invalid, required } from '../../validation/field/errors.js';
import { asObj, num, objs, str, type Obj } from '../../validation/json.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names.js';
import { Quantity } from '../../validation/quantity.js';

/**
 * The volume sources in the order ValidateVolumes examines them: the first one
 * set counts, every later one is reported "may not specify more than 1 volume
 * type" under the path name Kubernetes uses (which for two sources differs
 * from the JSON name: `cephFS`, and the historical `downwarAPI`).
 */
const sourceValidationOrder: [key: string, pathName: string][] = [
  ['emptyDir', 'emptyDir'],
  ['hostPath', 'hostPath'],
  ['gitRepo', 'gitRepo'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['secret', 'secret'],
  ['nfs', 'nfs'],
  ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['persistentVolumeClaim', 'persistentVolumeClaim'],
  ['rbd', 'rbd'],
  ['cinder', 'cinder'],
  ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'],
  ['downwardAPI', 'downwarAPI'],
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['configMap', 'configMap'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['storageos', 'storageos'],
  ['projected', 'projected'],
  ['scaleIO', 'scaleIO'],
  ['csi', 'csi'],
  ['ephemeral', 'ephemeral'],
  ['image', 'image'],
];

const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';

/** A path that must stay below the mount point: relative, no `..` segment. */
export function validateLocalDescendingPath(p: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(p, path));
  return errs;
}

/** No `..` path segment. */
export function validatePathNoBacksteps(p: string, path: FieldPath): FieldError[] {
  return p.split('/').includes('..') ? [invalid(path, p, "must not contain '..'")] : [];
}

function validateLocalNonReservedPath(p: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(invalid(path, p, "must not start with '..'"));
  return errs;
}

function validateMode(mode: unknown, path: FieldPath): FieldError[] {
  const m = num(mode);
  return m !== undefined && (m > 0o777 || m < 0) ? [invalid(path, m, fileModeErrorMsg)] : [];
}

function validateKeyToPaths(source: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  objs(source, 'items').forEach((item, i) => {
    const p = path.child('items').index(i);
    if (str(item.key) === '') errs.push(required(p.child('key')));
    if (str(item.path) === '') errs.push(required(p.child('path')));
    errs.push(...validateLocalNonReservedPath(str(item.path), p.child('path')));
    errs.push(...validateMode(item.mode, p.child('mode')));
  });
  return errs;
}

function validateSource(key: string, src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  switch (key) {
    case 'emptyDir': {
      const limit = src.sizeLimit;
      if (limit !== undefined && limit !== null) {
        const q = Quantity.tryParse(String(limit));
        if (q && q.sign() < 0) errs.push(forbidden(path.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
      }
      break;
    }
    case 'hostPath':
      if (str(src.path) === '') errs.push(required(path.child('path')));
      else errs.push(...validatePathNoBacksteps(str(src.path), path.child('path')));
      break;
    case 'secret':
      if (str(src.secretName) === '') errs.push(required(path.child('secretName')));
      errs.push(...validateMode(src.defaultMode, path.child('defaultMode')));
      errs.push(...validateKeyToPaths(src, path));
      break;
    case 'configMap':
      if (str(src.name) === '') errs.push(required(path.child('name')));
      errs.push(...validateMode(src.defaultMode, path.child('defaultMode')));
      errs.push(...validateKeyToPaths(src, path));
      break;
    case 'persistentVolumeClaim':
      if (str(src.claimName) === '') errs.push(required(path.child('claimName')));
      break;
    case 'nfs':
      if (str(src.server) === '') errs.push(required(path.child('server')));
      if (str(src.path) === '') errs.push(required(path.child('path')));
      if (!str(src.path).startsWith('/')) errs.push(invalid(path.child('path'), str(src.path), 'must be an absolute path'));
      break;
    case 'downwardAPI':
      errs.push(...validateMode(src.defaultMode, path.child('defaultMode')));
      for (const item of objs(src, 'items')) {
        if (str(item.path) === '') errs.push(required(path.child('path')));
        errs.push(...validateLocalNonReservedPath(str(item.path), path.child('path')));
        if (!item.fieldRef && !item.resourceFieldRef) errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
        if (item.fieldRef && item.resourceFieldRef) errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
        errs.push(...validateMode(item.mode, path.child('mode')));
      }
      break;
    case 'projected':
      errs.push(...validateMode(src.defaultMode, path.child('defaultMode')));
      objs(src, 'sources').forEach((s, i) => {
        const sp = path.child('sources').index(i);
        const secret = asObj(s.secret);
        if (secret) {
          if (str(secret.name) === '') errs.push(required(sp.child('secret').child('name')));
          errs.push(...validateKeyToPaths(secret, sp.child('secret')));
        }
        const cm = asObj(s.configMap);
        if (cm) {
          if (str(cm.name) === '') errs.push(required(sp.child('configMap').child('name')));
          errs.push(...validateKeyToPaths(cm, sp.child('configMap')));
        }
        const sat = asObj(s.serviceAccountToken);
        if (sat) {
          const exp = num(sat.expirationSeconds) ?? 0;
          if (exp < 600) errs.push(invalid(sp.child('serviceAccountToken').child('expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
          if (exp > 2 ** 32) errs.push(invalid(sp.child('serviceAccountToken').child('expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
          if (str(sat.path) === '') errs.push(required(sp.child('serviceAccountToken').child('path')));
        }
      });
      break;
    case 'csi':
      if (str(src.driver) === '') errs.push(required(path.child('driver')));
      for (const m of isDNS1123Subdomain(str(src.driver).toLowerCase())) if (str(src.driver) !== '') errs.push(invalid(path.child('driver'), str(src.driver), m));
      break;
    case 'ephemeral':
      if (!asObj(src.volumeClaimTemplate)) errs.push(required(path.child('volumeClaimTemplate')));
      break;
    default:
      break;
  }
  return errs;
}

/** spec.volumes: returns the valid volumes by name (for volumeMount checks) and the errors. */
export function validateVolumes(volumes: Obj[], path: FieldPath): { names: Map<string, Obj>; errs: FieldError[] } {
  const names = new Map<string, Obj>();
  const errs: FieldError[] = [];
  volumes.forEach((vol, i) => {
    const p = path.index(i);
    const el: FieldError[] = [];
    let count = 0;
    for (const [key, pathName] of sourceValidationOrder) {
      const src = vol[key];
      if (src === undefined || src === null) continue;
      if (count > 0) {
        el.push(forbidden(p.child(pathName), 'may not specify more than 1 volume type'));
        continue;
      }
      count++;
      el.push(...validateSource(key, asObj(src) ?? {}, p.child(key)));
    }
    if (count === 0) el.push(required(p, 'must specify a volume type'));
    const name = str(vol.name);
    if (name === '') el.push(required(p.child('name')));
    else for (const m of isDNS1123Label(name)) el.push(invalid(p.child('name'), name, m));
    if (names.has(name)) el.push(duplicate(p.child('name'), name));
    if (el.length === 0) names.set(name, vol);
    else errs.push(...el);
  });
  return { names, errs };
}
