/**
 * DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds,
 * restated): pods that do not tolerate `node.kubernetes.io/not-ready` and
 * `node.kubernetes.io/unreachable` NoExecute taints get tolerations for them
 * with `tolerationSeconds` from `--default-not-ready-toleration-seconds` and
 * `--default-unreachable-toleration-seconds` (300 each).
 */
import { asObj, objs, str, type Obj } from '../../../validation/json.js';
import type { AdmissionPlugin } from '../../interfaces.js';

export const PluginName = 'DefaultTolerationSeconds';
export const TaintNodeNotReady = 'node.kubernetes.io/not-ready';
export const TaintNodeUnreachable = 'node.kubernetes.io/unreachable';

/** The DefaultTolerationSeconds plugin. */
export function newDefaultTolerationSeconds(notReadySeconds = 300, unreachableSeconds = 300): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    admit(attrs) {
      if (attrs.group !== '' || attrs.resource !== 'pods' || attrs.subresource !== '' || !attrs.object) return;
      const spec = (asObj(attrs.object.spec) ?? (attrs.object.spec = {})) as Obj;
      const tolerations = objs(spec, 'tolerations');
      const tolerates = (key: string) => tolerations.some((t) => (str(t.key) === key || str(t.key) === '') && (str(t.effect) === 'NoExecute' || str(t.effect) === ''));
      const add: Obj[] = [];
      if (!tolerates(TaintNodeNotReady)) add.push({ key: TaintNodeNotReady, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: notReadySeconds });
      if (!tolerates(TaintNodeUnreachable)) add.push({ key: TaintNodeUnreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachableSeconds });
      if (add.length > 0) spec.tolerations = [...tolerations, ...add];
    },
  };
}
