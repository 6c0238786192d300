/**
 * The Node authorizer (plugin/pkg/auth/authorizer/node, restated) for
 * kubelets: users named `system:node:<nodeName>` in group `system:nodes`.
 *
 * What kapi covers:
 * - secrets, configmaps (get/list/watch of one named object), PVCs (get;
 *   update/patch of status) and serviceaccounts/token (create) — only when a
 *   pod bound to the node references them (NodeGraph);
 * - pods: get of pods bound to the node, list/watch with
 *   `fieldSelector=spec.nodeName=<node>`, create/delete (mirror pods),
 *   status update/patch, eviction create;
 * - nodes: get/list/watch of its own Node, create/update/patch, status
 *   update/patch;
 * - leases in kube-node-lease named after the node; csinodes of its name;
 * - everything else by the static `system:node` rules (nodeRules()).
 * Not covered: persistentvolumes, volumeattachments, resourceclaims and
 * resourceslices have no graph edges here and get "no relationship".
 * Never denies; a non-node user gets NoOpinion with no reason.
 */
import type { UserInfo } from '../../endpoints/request/context.js';
import type { AuthorizationAttributes, AuthorizerResult, AuthorizerWithRules } from '../interfaces.js';
import { nodeRules } from '../rbac/bootstrappolicy/policy.js';
import { rulesAllow, type PolicyRule } from '../rbac/rule.js';
import type { NodeGraph, VertexType } from './graph.js';

const nodeUserPrefix = 'system:node:';
/** The group of kubelets (user.NodesGroup). */
export const nodesGroup = 'system:nodes';
/** Where node leases live. */
export const nodeLeaseNamespace = 'kube-node-lease';

/** The node a user is, if it is one (NodeIdentity). */
export function nodeIdentity(user: UserInfo): { nodeName: string } | undefined {
  if (!user.name.startsWith(nodeUserPrefix) || !user.groups.includes(nodesGroup)) return undefined;
  return { nodeName: user.name.slice(nodeUserPrefix.length) };
}

const noOpinion = (reason = ''): AuthorizerResult => ({ decision: 'NoOpinion', reason });
const allow = (): AuthorizerResult => ({ decision: 'Allow', reason: '' });

/** Whether a raw field selector requires `field` to equal `value`. */
export function fieldSelectorRequires(raw: string | undefined, field: string, value: string): boolean {
  if (!raw) return false;
  return raw.split(',').some((req) => {
    const m = /^\s*([^=!\s]+)\s*(==|=)\s*(.*?)\s*$/.exec(req);
    return !!m && m[1] === field && m[3] === value;
  });
}

/** Creates the Node authorizer. Without a graph, every relationship check fails. */
export function newNodeAuthorizer(graph?: NodeGraph, rules: PolicyRule[] = nodeRules()): AuthorizerWithRules {
  const related = (node: string, type: VertexType, a: AuthorizationAttributes): AuthorizerResult => {
    if (a.name === '') return noOpinion('No Object name found');
    if (graph?.hasPath(node, type, a.namespace, a.name)) return allow();
    return noOpinion(`no relationship found between node '${node}' and this object`);
  };
  const authorizeGet = (node: string, type: VertexType, a: AuthorizationAttributes): AuthorizerResult => {
    if (a.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (a.subresource !== '') return noOpinion('cannot get subresource');
    return related(node, type, a);
  };
  const authorizeRead = (node: string, type: VertexType, a: AuthorizationAttributes): AuthorizerResult => {
    if (!['get', 'list', 'watch'].includes(a.verb)) return noOpinion('can only read resources of this type');
    if (a.subresource !== '') return noOpinion('cannot read subresource');
    if (a.namespace === '') return noOpinion('can only read namespaced object of this type');
    return related(node, type, a);
  };
  const authorizeStatusUpdate = (node: string, type: VertexType, a: AuthorizationAttributes): AuthorizerResult => {
    if (a.verb !== 'update' && a.verb !== 'patch') return noOpinion('can only get/update/patch this type');
    return related(node, type, a);
  };
  const ownNamed = (kind: 'lease' | 'CSINode', node: string, a: AuthorizationAttributes): AuthorizerResult => {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) {
      return noOpinion(kind === 'lease' ? 'can only get, create, update, patch, or delete a node lease' : 'can only get, create, update, patch, or delete a CSINode');
    }
    if (kind === 'lease' && a.namespace !== nodeLeaseNamespace) return noOpinion(`can only access leases in the "${nodeLeaseNamespace}" system namespace`);
    if (kind === 'CSINode' && a.subresource !== '') return noOpinion('cannot authorize CSINode subresources');
    // The name of a create is not known here (NodeRestriction admission checks it).
    if (a.verb !== 'create' && a.name !== node) {
      return noOpinion(kind === 'lease' ? 'can only access node lease with the same name as the requesting node' : 'can only access CSINode with the same name as the requesting node');
    }
    return allow();
  };
  const authorizeNode = (node: string, a: AuthorizationAttributes): AuthorizerResult => {
    if (a.subresource === '') {
      if (['create', 'update', 'patch'].includes(a.verb)) return allow();
      if (['get', 'list', 'watch'].includes(a.verb)) {
        if (a.name === node) return allow();
        if (a.name === '') return noOpinion(`node '${node}' cannot read all nodes, only its own Node object`);
        return noOpinion(`node '${node}' cannot read '${a.name}', only its own Node object`);
      }
    } else if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) {
      return allow();
    }
    return noOpinion();
  };
  const authorizePod = (node: string, a: AuthorizationAttributes): AuthorizerResult => {
    switch (a.subresource) {
      case '':
        if (a.verb === 'get') return authorizeGet(node, 'pod', a);
        if (a.verb === 'list' || a.verb === 'watch') {
          if (fieldSelectorRequires(a.fieldSelector, 'spec.nodeName', node)) return allow();
          if (a.name !== '') return related(node, 'pod', a);
          return noOpinion('can only list/watch pods with spec.nodeName field selector');
        }
        if (a.verb === 'create' || a.verb === 'delete') return allow();
        break;
      case 'status':
        if (a.verb === 'update' || a.verb === 'patch') return allow();
        break;
      case 'eviction':
        if (a.verb === 'create') return allow();
        break;
    }
    return noOpinion();
  };

  return {
    authorize(a) {
      const id = nodeIdentity(a.user);
      if (!id) return noOpinion();
      const node = id.nodeName;
      if (node === '') return noOpinion(`unknown node for user "${a.user.name}"`);
      if (a.isResourceRequest) {
        const gr = `${a.apiGroup}/${a.resource}`;
        switch (gr) {
          case '/secrets':
            return authorizeRead(node, 'secret', a);
          case '/configmaps':
            return authorizeRead(node, 'configmap', a);
          case '/persistentvolumeclaims':
            return a.subresource === 'status' ? authorizeStatusUpdate(node, 'pvc', a) : authorizeGet(node, 'pvc', a);
          case '/persistentvolumes':
          case 'storage.k8s.io/volumeattachments':
          case 'resource.k8s.io/resourceclaims':
            if (a.verb !== 'get') return noOpinion('can only get individual resources of this type');
            if (a.subresource !== '') return noOpinion('cannot get subresource');
            if (a.name === '') return noOpinion('No Object name found');
            return noOpinion(`no relationship found between node '${node}' and this object`);
          case '/serviceaccounts':
            if (a.verb !== 'create' || a.name === '') return noOpinion('can only create tokens for individual service accounts');
            if (a.subresource !== 'token') return noOpinion('can only create token subresource of serviceaccount');
            return related(node, 'serviceaccount', a);
          case 'coordination.k8s.io/leases':
            return ownNamed('lease', node, a);
          case 'storage.k8s.io/csinodes':
            return ownNamed('CSINode', node, a);
          case '/nodes':
            return authorizeNode(node, a);
          case '/pods':
            return authorizePod(node, a);
        }
      }
      return rulesAllow(a, rules) ? allow() : noOpinion();
    },
    rulesFor(user) {
      if (nodeIdentity(user)) return { resourceRules: [], nonResourceRules: [], incomplete: true, error: 'node authorizer does not support user rule resolution' };
      return { resourceRules: [], nonResourceRules: [], incomplete: false };
    },
  };
}
