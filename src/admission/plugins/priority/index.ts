/**
 * Priority (plugin/pkg/admission/priority, restated):
 * - pod creates get `spec.priority` (and `preemptionPolicy`) from their
 *   `priorityClassName`, or from the global default class (the lowest-valued
 *   one with `globalDefault: true`), or 0 / PreemptLowerPriority; an unknown
 *   class is refused (403 `no PriorityClass with name x was found`), and so
 *   is a spec.priority that differs from the class's value;
 * - pod updates keep the priority set at creation;
 * - at most one PriorityClass may be the global default.
 * `system-node-critical` and `system-cluster-critical` resolve even before
 * the server has stored them.
 */
import type { KubeObject } from '../../../runtime/object.js';
import { asObj, str, type Obj } from '../../../validation/json.js';
import { systemPriorityClasses } from '../../../apis/scheduling/priorityclass.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin, Attributes } from '../../interfaces.js';
import { admissionForbidden } from '../../util/errors.js';

export const PluginName = 'Priority';

/** The built-in PriorityClass objects kube-apiserver creates at startup. */
export function systemPriorityClassObjects(): KubeObject[] {
  return systemPriorityClasses.map((c) => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: c.name },
    value: c.value,
    description: c.description,
    preemptionPolicy: 'PreemptLowerPriority',
  }));
}

interface ClassInfo {
  name: string;
  value: number;
  preemptionPolicy: string | undefined;
  globalDefault: boolean;
}

function info(pc: KubeObject): ClassInfo {
  const o = pc as Obj;
  return { name: pc.metadata?.name ?? '', value: typeof o.value === 'number' ? o.value : 0, preemptionPolicy: typeof o.preemptionPolicy === 'string' ? o.preemptionPolicy : undefined, globalDefault: o.globalDefault === true };
}

/** The Priority plugin. */
export function newPriority(deps: AdmissionDeps): AdmissionPlugin {
  async function classes(): Promise<ClassInfo[]> {
    const stored = (await deps.list('scheduling.k8s.io', 'priorityclasses', '')).map(info);
    for (const b of systemPriorityClassObjects().map(info)) if (!stored.some((s) => s.name === b.name)) stored.push(b);
    return stored;
  }

  function defaultClass(list: ClassInfo[]): ClassInfo | undefined {
    let out: ClassInfo | undefined;
    for (const c of list) if (c.globalDefault && (!out || out.value > c.value)) out = c;
    return out;
  }

  async function admitPod(attrs: Attributes): Promise<void> {
    const pod = attrs.object as KubeObject;
    const spec = (asObj(pod.spec) ?? (pod.spec = {})) as Obj;
    if (attrs.operation === 'UPDATE') {
      const old = asObj(attrs.oldObject?.spec);
      if (spec.priority === undefined && old?.priority !== undefined) spec.priority = old.priority;
      if (spec.preemptionPolicy === undefined && old?.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
      return;
    }
    const list = await classes();
    let priority: number;
    let preemptionPolicy: string | undefined;
    const name = str(spec.priorityClassName);
    if (name === '') {
      const d = defaultClass(list);
      if (d) {
        spec.priorityClassName = d.name;
        priority = d.value;
        preemptionPolicy = d.preemptionPolicy;
      } else {
        priority = 0;
        preemptionPolicy = 'PreemptLowerPriority';
      }
    } else {
      const pc = list.find((c) => c.name === name);
      if (!pc) throw admissionForbidden(attrs, `no PriorityClass with name ${name} was found`);
      priority = pc.value;
      preemptionPolicy = pc.preemptionPolicy;
    }
    if (typeof spec.priority === 'number' && spec.priority !== priority) {
      throw admissionForbidden(attrs, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
    }
    spec.priority = priority;
    if (preemptionPolicy !== undefined) {
      if (typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== preemptionPolicy) {
        throw admissionForbidden(attrs, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`);
      }
      spec.preemptionPolicy = preemptionPolicy;
    }
  }

  return {
    name: PluginName,
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    async admit(attrs) {
      if (attrs.subresource !== '' || attrs.object === null) return;
      if (attrs.group === '' && attrs.resource === 'pods') await admitPod(attrs);
    },
    async validate(attrs) {
      if (attrs.subresource !== '' || attrs.object === null) return;
      if (attrs.group !== 'scheduling.k8s.io' || attrs.resource !== 'priorityclasses') return;
      const pc = info(attrs.object);
      if (!pc.globalDefault) return;
      const d = defaultClass(await classes());
      if (d && (attrs.operation === 'CREATE' || d.name !== pc.name)) throw admissionForbidden(attrs, `PriorityClass ${d.name} is marked as default. Only one default can exist`);
    },
  };
}
