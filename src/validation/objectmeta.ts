/**
 * Object metadata validation (apimachinery/pkg/api/validation/objectmeta.go,
 * plus the core group's finalizer-name rule): what every stored object's
 * metadata must satisfy on create and on update.
 */
import type { ObjectMeta } from '../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, RawValue, required, tooLong } from './field/errors.js';
import { goStringSlice } from './gofmt.js';
import { asArr, asObj, semanticEqual, str } from './json.js';
import { byteLength, isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameValidator } from './names.js';

/** `field is immutable`. */
export const FieldImmutableErrorMsg = 'field is immutable';
/** `must be greater than or equal to 0`. */
export const IsNegativeErrorMsg = 'must be greater than or equal to 0';
/** Total size limit of all annotation keys and values, in bytes (256 KiB). */
export const TotalAnnotationSizeLimitB = 256 * 1024;

/** The finalizer names built-in kinds accept without a domain prefix. */
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Options for validateObjectMeta / validateObjectMetaUpdate. */
export interface ObjectMetaOptions {
  /**
   * Apply the core API group's rule that finalizers without a `/` must be
   * standard names (`kubernetes`, `orphan`, `foregroundDeletion`). True for
   * built-in kinds, false for the generic fallback.
   */
  kubeFinalizers?: boolean;
}

/** A non-negative integer field. */
export function validateNonnegativeField(value: number, path: FieldPath): FieldError[] {
  return value < 0 ? [invalid(path, value, IsNegativeErrorMsg)] : [];
}

/** Go's time.Time String() for an RFC 3339 timestamp (`2025-01-02 03:04:05 +0000 UTC`). */
function goTimeText(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const iso = d.toISOString();
  return new RawValue(`${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`);
}

/** newVal must equal oldVal (semantic equality); `field is immutable` otherwise. */
export function validateImmutableField(newVal: unknown, oldVal: unknown, path: FieldPath, shown: unknown = newVal): FieldError[] {
  return semanticEqual(newVal, oldVal) ? [] : [invalid(path, shown ?? null, FieldImmutableErrorMsg)];
}

/** A label key (qualified name). */
export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(path, name, m));
}

/** Label keys and values. Errors point at the map itself (`metadata.labels`), as upstream does. */
export function validateLabels(labels: unknown, path: FieldPath): FieldError[] {
  const m = asObj(labels);
  if (!m) return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(m)) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(str(v))) errs.push(invalid(path, str(v), msg));
  }
  return errs;
}

/** Annotation keys (qualified names, case-insensitive) and their total size. */
export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  const m = asObj(annotations);
  if (!m) return [];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(m)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += byteLength(k) + byteLength(str(v));
  }
  if (total > TotalAnnotationSizeLimitB) errs.push(tooLong(path, '', TotalAnnotationSizeLimitB));
  return errs;
}

function splitAPIVersion(apiVersion: string): { group: string; version: string } {
  const slashes = apiVersion.split('/').length - 1;
  if (slashes === 0) return { group: '', version: apiVersion };
  if (slashes === 1) {
    const i = apiVersion.indexOf('/');
    return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
  }
  return { group: '', version: '' };
}

/** metadata.ownerReferences: required fields, banned owners, at most one controller. */
export function validateOwnerReferences(refs: unknown, path: FieldPath): FieldError[] {
  const list = asArr(refs);
  if (!list) return [];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const r of list) {
    const ref = asObj(r) ?? {};
    const apiVersion = str(ref.apiVersion);
    const kind = str(ref.kind);
    const gv = splitAPIVersion(apiVersion);
    if (gv.version === '') errs.push(invalid(path.child('apiVersion'), apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(invalid(path.child('kind'), kind, 'must not be empty'));
    if (str(ref.name) === '') errs.push(invalid(path.child('name'), str(ref.name), 'must not be empty'));
    if (str(ref.uid) === '') errs.push(invalid(path.child('uid'), str(ref.uid), 'must not be empty'));
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      errs.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const cur = `${kind}/${str(ref.name)}`;
      if (firstController !== '') {
        errs.push(
          invalid(path, list, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`),
        );
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

/** metadata.finalizers: qualified names; `orphan` and `foregroundDeletion` exclusive. */
export function validateFinalizers(finalizers: unknown, path: FieldPath): FieldError[] {
  const list = asArr(finalizers);
  if (!list) return [];
  const errs: FieldError[] = [];
  let orphan = false;
  let foreground = false;
  for (const f of list) {
    const name = str(f);
    for (const msg of isQualifiedName(name)) errs.push(invalid(path, name, msg));
    if (name === 'orphan') orphan = true;
    if (name === 'foregroundDeletion') foreground = true;
  }
  if (orphan && foreground) {
    errs.push(invalid(path, goStringSlice(list), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** The core group's finalizer rule: an unqualified name must be a standard one. */
export function validateKubeFinalizerName(name: string, path: FieldPath): FieldError[] {
  if (!name.includes('/') && !standardFinalizers.has(name)) {
    return [invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

function kubeFinalizerErrors(meta: ObjectMeta, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (asArr(meta.finalizers) ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(str(f), path.child('finalizers').index(i))));
  return errs;
}

function commonMetaErrors(meta: ObjectMeta, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof meta.generation === 'number') errs.push(...validateNonnegativeField(meta.generation, path.child('generation')));
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, path.child('finalizers')));
  return errs;
}

/**
 * Validates an object's metadata on create. Name generation has already
 * happened: both `generateName` (as a prefix) and the final `name` are checked
 * with nameFn. Namespaced kinds need a namespace (a DNS label); cluster-scoped
 * kinds may not have one.
 */
export function validateObjectMeta(
  metaIn: ObjectMeta | undefined,
  namespaced: boolean,
  nameFn: NameValidator,
  path: FieldPath = FieldPath.of('metadata'),
  opts: ObjectMetaOptions = { kubeFinalizers: true },
): FieldError[] {
  const meta: ObjectMeta = metaIn ?? {};
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName);
  if (generateName !== '') {
    for (const msg of nameFn(generateName, true)) errs.push(invalid(path.child('generateName'), generateName, msg));
  }
  const name = str(meta.name);
  if (name === '') errs.push(required(path.child('name'), 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalid(path.child('name'), name, msg));

  const namespace = str(meta.namespace);
  if (namespaced) {
    if (namespace === '') errs.push(required(path.child('namespace')));
    else for (const msg of nameIsDNSLabel(namespace, false)) errs.push(invalid(path.child('namespace'), namespace, msg));
  } else if (namespace !== '') {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...commonMetaErrors(meta, path));
  if (opts.kubeFinalizers !== false) errs.push(...kubeFinalizerErrors(meta, path));
  return errs;
}

/**
 * Validates metadata on update: what may not change (name, namespace, uid,
 * creation and deletion timestamps), generation never decreasing, a
 * resourceVersion present, no new finalizers once deletion started, and the
 * create-time rules for labels, annotations, owner references.
 */
export function validateObjectMetaUpdate(
  newIn: ObjectMeta | undefined,
  oldIn: ObjectMeta | undefined,
  path: FieldPath = FieldPath.of('metadata'),
  opts: ObjectMetaOptions = { kubeFinalizers: true },
): FieldError[] {
  const n: ObjectMeta = newIn ?? {};
  const o: ObjectMeta = oldIn ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const oldSet = new Set((asArr(o.finalizers) ?? []).map(str));
    const extra = [...new Set((asArr(n.finalizers) ?? []).map(str))].filter((f) => !oldSet.has(f)).sort();
    if (extra.length > 0) {
      errs.push(
        forbidden(
          path.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra).text}`,
        ),
      );
    }
  }
  if (str(n.resourceVersion) === '') errs.push(invalid(path.child('resourceVersion'), '', 'must be specified for an update'));
  const ng = typeof n.generation === 'number' ? n.generation : 0;
  const og = typeof o.generation === 'number' ? o.generation : 0;
  if (ng < og) errs.push(invalid(path.child('generation'), ng, 'must not be decremented'));

  errs.push(...validateImmutableField(str(n.name), str(o.name), path.child('name')));
  errs.push(...validateImmutableField(str(n.namespace), str(o.namespace), path.child('namespace')));
  errs.push(...validateImmutableField(str(n.uid), str(o.uid), path.child('uid')));
  errs.push(
    ...validateImmutableField(n.creationTimestamp ?? null, o.creationTimestamp ?? null, path.child('creationTimestamp'), goTimeText(n.creationTimestamp)),
  );
  errs.push(
    ...validateImmutableField(n.deletionTimestamp ?? null, o.deletionTimestamp ?? null, path.child('deletionTimestamp'), goTimeText(n.deletionTimestamp)),
  );
  errs.push(
    ...validateImmutableField(n.deletionGracePeriodSeconds ?? null, o.deletionGracePeriodSeconds ?? null, path.child('deletionGracePeriodSeconds')),
  );
  errs.push(...validateLabels(n.labels, path.child('labels')));
  errs.push(...validateAnnotations(n.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, path.child('ownerReferences')));
  if (opts.kubeFinalizers !== false) errs.push(...kubeFinalizerErrors(n, path));
  return errs;
}

/**
 * The metadata of an embedded template (a StatefulSet's volumeClaimTemplates):
 * only labels and annotations may be set.
 */
export function validateTemplateObjectMeta(metaIn: unknown, path: FieldPath): FieldError[] {
  const meta = asObj(metaIn) ?? {};
  const errs = [...validateAnnotations(meta.annotations, path.child('annotations')), ...validateLabels(meta.labels, path.child('labels'))];
  return errs;
}
