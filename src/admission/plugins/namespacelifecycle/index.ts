/**
 * NamespaceLifecycle (k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle,
 * restated): nothing new may be created in a namespace that is missing
 * (404 `namespaces "x" not found`) or terminating (403 with a
 * NamespaceTerminating cause); updates need the namespace to exist;
 * `default`, `kube-system` and `kube-public` may not be deleted.
 * Deletes of other objects, cluster-scoped objects and
 * LocalSubjectAccessReviews always pass.
 */
import { newForbidden, newNotFound } from '../../../runtime/errors.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin, Attributes } from '../../interfaces.js';
import { admissionForbidden } from '../../util/errors.js';

export const PluginName = 'NamespaceLifecycle';

/** Namespaces that can never be deleted. */
export const immortalNamespaces: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

function isNamespaceKind(attrs: Attributes): boolean {
  return attrs.group === '' && attrs.kind === 'Namespace';
}

function isAccessReview(attrs: Attributes): boolean {
  return attrs.group === 'authorization.k8s.io' && attrs.resource === 'localsubjectaccessreviews';
}

/** The NamespaceLifecycle plugin over the server's namespaces. */
export function newNamespaceLifecycle(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'CREATE' || op === 'UPDATE' || op === 'DELETE',
    async admit(attrs) {
      if (attrs.operation === 'DELETE' && isNamespaceKind(attrs) && immortalNamespaces.has(attrs.name)) {
        throw newForbidden({ group: attrs.group, resource: attrs.resource }, attrs.name, 'this namespace may not be deleted');
      }
      if (attrs.namespace === '' && !isNamespaceKind(attrs)) return;
      if (isNamespaceKind(attrs)) return;
      if (attrs.operation === 'DELETE') return;
      if (isAccessReview(attrs)) return;
      const ns = await deps.get('', 'namespaces', '', attrs.namespace);
      if (ns === null) throw newNotFound({ group: '', resource: 'namespaces' }, attrs.namespace);
      if (attrs.operation !== 'CREATE') return;
      const phase = (ns.status as { phase?: string } | undefined)?.phase;
      if (phase !== 'Terminating' && !ns.metadata?.deletionTimestamp) return;
      const err = admissionForbidden(attrs, `unable to create new content in namespace ${attrs.namespace} because it is being terminated`);
      err.status.details = {
        ...err.status.details,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${attrs.namespace} is being terminated`, field: 'metadata.namespace' }],
      };
      throw err;
    },
  };
}
