/**
 * The whole default RBAC policy kube-apiserver creates and reconciles at
 * startup (every object labelled `kubernetes.io/bootstrapping: rbac-defaults`
 * and annotated `rbac.authorization.kubernetes.io/autoupdate: "true"`).
 */
import type { KubeObject } from '../../../runtime/object.js';
import { controllerRoleBindings, controllerRoles } from './controller_policy.js';
import { namespaceRoleBindings, namespaceRoles } from './namespace_policy.js';
import { clusterRoleBindings, clusterRoles } from './policy.js';

export { autoUpdateAnnotation, bootstrapLabel } from './helpers.js';
export { nodeRules } from './policy.js';

/** The default policy, by kind. */
export interface BootstrapPolicy {
  clusterRoles: KubeObject[];
  clusterRoleBindings: KubeObject[];
  roles: KubeObject[];
  roleBindings: KubeObject[];
}

/** Every default object (fresh copies on each call). */
export function bootstrapPolicy(): BootstrapPolicy {
  return {
    clusterRoles: [...clusterRoles(), ...controllerRoles()],
    clusterRoleBindings: [...clusterRoleBindings(), ...controllerRoleBindings()],
    roles: namespaceRoles(),
    roleBindings: namespaceRoleBindings(),
  };
}
