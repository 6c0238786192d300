/**
 * DefaultIngressClass (plugin/pkg/admission/network/defaultingressclass,
 * restated): an Ingress created without `spec.ingressClassName` and without
 * the `kubernetes.io/ingress.class` annotation gets the IngressClass
 * annotated `ingressclass.kubernetes.io/is-default-class: "true"` (the newest
 * when several are).
 */
import { asObj, type Obj } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin } from '../../interfaces.js';
import { newestOf } from '../defaultstorageclass/index.js';

export const PluginName = 'DefaultIngressClass';
export const IsDefaultIngressClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
export const IngressClassAnnotation = 'kubernetes.io/ingress.class';

/** The DefaultIngressClass plugin. */
export function newDefaultIngressClass(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'CREATE',
    async admit(attrs) {
      if (attrs.group !== 'networking.k8s.io' || attrs.resource !== 'ingresses' || attrs.subresource !== '' || !attrs.object) return;
      const ing = attrs.object;
      const spec = (asObj(ing.spec) ?? (ing.spec = {})) as Obj;
      if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) return;
      if (ing.metadata?.annotations?.[IngressClassAnnotation] !== undefined) return;
      const all = await deps.list('networking.k8s.io', 'ingressclasses', '');
      const def = newestOf(all.filter((c) => c.metadata?.annotations?.[IsDefaultIngressClassAnnotation] === 'true'));
      if (def) spec.ingressClassName = def.metadata?.name ?? '';
    },
  };
}
