/**
 * node.k8s.io/v1 RuntimeClass (pkg/apis/node/validation): the handler is a
 * DNS label and never changes; overhead is a resource list; scheduling
 * carries a node selector and tolerations.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, invalid } from '../../validation/field/errors.js';
import { asObj, objs, str } from '../../validation/json.js';
import { nameIsDNSLabel, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateImmutableField, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { validateTolerations } from '../core/podspec_validation.js';
import { canonicalizeResourceList, validateResourceRequirements } from '../core/resources.js';

/** ValidateRuntimeClass. */
export function validateRuntimeClass(obj: KubeObject): FieldError[] {
  const o = asRecord(obj);
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const handler = str(o.handler);
  for (const m of nameIsDNSLabel(handler, false)) errs.push(invalid(FieldPath.of('handler'), handler, m));
  const overhead = asObj(o.overhead);
  if (overhead) errs.push(...validateResourceRequirements({ limits: overhead.podFixed }, FieldPath.of('overhead')));
  const scheduling = asObj(o.scheduling);
  if (scheduling) {
    errs.push(...validateLabels(scheduling.nodeSelector, FieldPath.of('scheduling', 'nodeSelector')));
    errs.push(...validateTolerations(objs(scheduling, 'tolerations'), FieldPath.of('scheduling', 'tolerations')));
  }
  return errs;
}

/** The RuntimeClass strategy. */
export const runtimeClassStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: false,
  defaults(obj) {
    canonicalizeResourceList(asObj(asObj(obj.overhead)?.podFixed));
  },
  validate: (_ctx, obj) => validateRuntimeClass(obj),
  validateUpdate: (_ctx, obj, old) => [
    ...validateRuntimeClass(obj),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateImmutableField(str(obj.handler), str(old.handler), FieldPath.of('handler')),
  ],
});
