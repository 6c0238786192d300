/**
 * The small plugins kube-apiserver keeps for compatibility
 * (plugin/pkg/admission/{admit,deny,namespace/exists,namespace/autoprovision,alwayspullimages},
 * restated), and the placeholders for plugins whose feature is off in 1.33
 * by default (they admit everything, as kube-apiserver's do when gated).
 */
import { newForbidden, newNotFound } from '../../../runtime/errors.js';
import { objs } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin } from '../../interfaces.js';

/** AlwaysAdmit: admits everything. */
export function newAlwaysAdmit(): AdmissionPlugin {
  return { name: 'AlwaysAdmit', handles: () => true, admit: () => undefined, validate: () => undefined };
}

/** AlwaysDeny: refuses every write with `admission control is denying all modifications`. */
export function newAlwaysDeny(): AdmissionPlugin {
  const deny = (attrs: Parameters<NonNullable<AdmissionPlugin['admit']>>[0]) => {
    throw newForbidden({ group: attrs.group, resource: attrs.resource }, attrs.name, 'admission control is denying all modifications');
  };
  return { name: 'AlwaysDeny', handles: () => true, admit: deny, validate: deny };
}

/** NamespaceExists: namespaced requests need an existing namespace (404 otherwise). */
export function newNamespaceExists(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: 'NamespaceExists',
    handles: (op) => op === 'CREATE' || op === 'UPDATE' || op === 'DELETE',
    async validate(attrs) {
      if (attrs.namespace === '' || (attrs.group === '' && attrs.kind === 'Namespace')) return;
      if (!(await deps.get('', 'namespaces', '', attrs.namespace))) throw newNotFound({ group: '', resource: 'namespaces' }, attrs.namespace);
    },
  };
}

/** AlwaysPullImages: every container's imagePullPolicy becomes Always. */
export function newAlwaysPullImages(): AdmissionPlugin {
  return {
    name: 'AlwaysPullImages',
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    admit(attrs) {
      if (attrs.group !== '' || attrs.resource !== 'pods' || (attrs.subresource !== '' && attrs.subresource !== 'ephemeralcontainers') || !attrs.object) return;
      const spec = attrs.object.spec as Record<string, unknown> | undefined;
      for (const key of ['initContainers', 'containers', 'ephemeralContainers']) for (const c of objs(spec, key)) c.imagePullPolicy = 'Always';
    },
    validate(attrs) {
      if (attrs.group !== '' || attrs.resource !== 'pods' || attrs.subresource !== '' || !attrs.object) return;
      const spec = attrs.object.spec as Record<string, unknown> | undefined;
      for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
        objs(spec, key).forEach((c, i) => {
          if (c.imagePullPolicy !== 'Always') {
            throw newForbidden({ group: '', resource: 'pods' }, attrs.name, `spec.${key}[${i}].imagePullPolicy: Unsupported value: ${JSON.stringify(c.imagePullPolicy ?? '')}: supported values: "Always"`);
          }
        });
      }
    },
  };
}

/** A plugin that admits everything (feature off by default in 1.33). */
export function newInactive(name: string): AdmissionPlugin {
  return { name, handles: () => false };
}
