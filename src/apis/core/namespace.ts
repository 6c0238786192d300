/**
 * core/v1 Namespace (pkg/registry/core/namespace): the
 * `kubernetes.io/metadata.name` label, the `kubernetes` finalizer and the
 * Active phase on create; spec.finalizers only changed through /finalize.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, invalid } from '../../validation/field/errors.js';
import { asArr, asObj, clone, ensureObj, str } from '../../validation/json.js';
import { isQualifiedName, nameIsDNSLabel } from '../../validation/names.js';
import { validateKubeFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy, copyStatus, metaOf } from '../common/strategy.js';

/** The label every namespace carries with its own name. */
export const LabelMetadataName = 'kubernetes.io/metadata.name';

function setNameLabel(obj: KubeObject): void {
  const meta = metaOf(obj);
  const name = str(meta.name);
  if (name === '') return;
  const labels = asObj(meta.labels) ?? {};
  labels[LabelMetadataName] = name;
  meta.labels = labels as Record<string, string>;
}

function validateFinalizerName(name: string, path: FieldPath): FieldError[] {
  return [...isQualifiedName(name).map((m) => invalid(path, name, m)), ...validateKubeFinalizerName(name, path)];
}

function specFinalizers(obj: KubeObject): string[] {
  return (asArr(asObj(obj.spec)?.finalizers) ?? []).map(str);
}

/** The Namespace strategy. */
export const namespaceStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: false,
  defaults(obj) {
    setNameLabel(obj);
    const status = ensureObj(asRecord(obj), 'status');
    if (!status.phase) status.phase = 'Active';
  },
  prepareForCreate(_ctx, obj) {
    obj.status = { phase: 'Active' };
    const spec = ensureObj(asRecord(obj), 'spec');
    const finalizers = specFinalizers(obj);
    if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
  },
  prepareForUpdate(_ctx, obj, old) {
    const spec = ensureObj(asRecord(obj), 'spec');
    const oldF = asObj(old.spec)?.finalizers;
    if (oldF === undefined) delete spec.finalizers;
    else spec.finalizers = clone(oldF);
  },
  canonicalize: setNameLabel,
  validate(_ctx, obj) {
    const errs = validateObjectMeta(obj.metadata, false, nameIsDNSLabel);
    for (const f of specFinalizers(obj)) errs.push(...validateFinalizerName(f, FieldPath.of('spec', 'finalizers')));
    return errs;
  },
  validateUpdate: (_ctx, obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  validateStatusUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    const phase = str(asObj(obj.status)?.phase);
    if (!obj.metadata?.deletionTimestamp) {
      if (phase !== 'Active') errs.push(invalid(FieldPath.of('status', 'Phase'), phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    } else if (phase !== 'Terminating') {
      errs.push(invalid(FieldPath.of('status', 'Phase'), phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
    }
    return errs;
  },
  subresources: {
    finalize: {
      prepareForUpdate(_ctx, obj, old) {
        copyStatus(obj, old);
      },
      validateUpdate(_ctx, obj, old) {
        const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
        specFinalizers(obj).forEach((f, i) => errs.push(...validateFinalizerName(f, FieldPath.of('spec', 'finalizers').index(i))));
        return errs;
      },
    },
  },
});
