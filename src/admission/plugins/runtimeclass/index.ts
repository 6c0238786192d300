/**
 * RuntimeClass (plugin/pkg/admission/runtimeclass, restated): a pod naming a
 * `runtimeClassName` must name an existing RuntimeClass; the class's
 * `overhead.podFixed` becomes the pod's `spec.overhead` (a different
 * overhead in the pod is refused) and its `scheduling` node selector and
 * tolerations are merged into the pod.
 */
import type { KubeObject } from '../../../runtime/object.js';
import { jsonEqual } from '../../../registry/generic/meta.js';
import { asObj, objs, str, type Obj } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin, Attributes } from '../../interfaces.js';
import { admissionForbidden } from '../../util/errors.js';

export const PluginName = 'RuntimeClass';

/** The RuntimeClass plugin. */
export function newRuntimeClass(deps: AdmissionDeps): AdmissionPlugin {
  const applies = (attrs: Attributes) => attrs.group === '' && attrs.resource === 'pods' && attrs.subresource === '' && attrs.operation === 'CREATE' && attrs.object !== null;

  async function runtimeClassOf(attrs: Attributes): Promise<KubeObject | null | undefined> {
    const name = str(asObj(attrs.object?.spec)?.runtimeClassName);
    if (name === '') return undefined;
    const rc = await deps.get('node.k8s.io', 'runtimeclasses', '', name);
    if (!rc) throw admissionForbidden(attrs, `pod rejected: RuntimeClass ${JSON.stringify(name)} not found`);
    return rc;
  }

  return {
    name: PluginName,
    handles: (op) => op === 'CREATE',
    async admit(attrs) {
      if (!applies(attrs)) return;
      const rc = await runtimeClassOf(attrs);
      if (!rc) return;
      const spec = asObj(attrs.object?.spec) as Obj;
      const podFixed = asObj(asObj(rc.overhead)?.podFixed);
      if (podFixed) {
        if (asObj(spec.overhead) && !jsonEqual(spec.overhead, podFixed)) throw admissionForbidden(attrs, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
        spec.overhead = structuredClone(podFixed);
      }
      const scheduling = asObj(rc.scheduling);
      if (!scheduling) return;
      const selector = asObj(scheduling.nodeSelector);
      if (selector) {
        const podSelector = (asObj(spec.nodeSelector) ?? {}) as Record<string, unknown>;
        for (const [k, v] of Object.entries(selector)) {
          if (k in podSelector && podSelector[k] !== v) throw admissionForbidden(attrs, `conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${str(v)}; pod.spec.nodeSelector[${k}] = ${str(podSelector[k])}`);
        }
        spec.nodeSelector = { ...podSelector, ...selector };
      }
      const tolerations = objs(scheduling, 'tolerations');
      if (tolerations.length > 0) {
        const have = objs(spec, 'tolerations');
        spec.tolerations = [...have, ...tolerations.filter((t) => !have.some((h) => jsonEqual(h, t)))];
      }
    },
    async validate(attrs) {
      if (!applies(attrs)) return;
      const spec = asObj(attrs.object?.spec) as Obj;
      const rc = await runtimeClassOf(attrs);
      if (asObj(spec.overhead) && (!rc || !asObj(asObj(rc.overhead)?.podFixed))) {
        throw admissionForbidden(attrs, 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
      }
    },
  };
}
