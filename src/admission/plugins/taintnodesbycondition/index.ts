/**
 * TaintNodesByCondition (plugin/pkg/admission/nodetaint, restated): a new
 * Node gets the `node.kubernetes.io/not-ready:NoSchedule` taint, so nothing
 * is scheduled on it before the node controller sees it ready.
 */
import { asObj, objs, str, type Obj } from '../../../validation/json.js';
import type { AdmissionPlugin } from '../../interfaces.js';

export const PluginName = 'TaintNodesByCondition';
export const TaintNodeNotReady = 'node.kubernetes.io/not-ready';

/** The TaintNodesByCondition plugin. */
export function newTaintNodesByCondition(): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'CREATE',
    admit(attrs) {
      if (attrs.group !== '' || attrs.resource !== 'nodes' || attrs.subresource !== '' || !attrs.object) return;
      const spec = (asObj(attrs.object.spec) ?? (attrs.object.spec = {})) as Obj;
      const taints = objs(spec, 'taints');
      if (taints.some((t) => str(t.key) === TaintNodeNotReady && str(t.effect) === 'NoSchedule')) return;
      spec.taints = [...taints, { key: TaintNodeNotReady, effect: 'NoSchedule' }];
    },
  };
}
