/**
 * The default Roles and RoleBindings in kube-system and kube-public
 * (bootstrappolicy/namespace_policy.go, restated as data).
 */
import type { KubeObject } from '../../../runtime/object.js';
import { controllerRolePrefix } from './controller_policy.js';
import { eventsRule, groups as g, readVerbs, res, role, roleBinding, serviceAccount, user } from './helpers.js';

/** The default Roles. */
export function namespaceRoles(): KubeObject[] {
  return [
    role('kube-system', 'extension-apiserver-authentication-reader', [res(readVerbs, [g.core], ['configmaps'], ['extension-apiserver-authentication'])]),
    role('kube-system', `${controllerRolePrefix}bootstrap-signer`, [res(readVerbs, [g.core], ['secrets'])]),
    role('kube-system', `${controllerRolePrefix}cloud-provider`, [res(['create', 'get', 'list', 'watch'], [g.core], ['configmaps'])]),
    role('kube-system', `${controllerRolePrefix}token-cleaner`, [res(['get', 'list', 'watch', 'delete'], [g.core], ['secrets']), eventsRule()]),
    role('kube-system', 'system::leader-locking-kube-controller-manager', [
      res(['watch'], [g.core], ['configmaps']),
      res(['get', 'update'], [g.core], ['configmaps'], ['kube-controller-manager']),
      res(['get', 'watch', 'list', 'create', 'update'], [g.coordination], ['leases']),
    ]),
    role('kube-system', 'system::leader-locking-kube-scheduler', [res(['watch'], [g.core], ['configmaps']), res(['get', 'update'], [g.core], ['configmaps'], ['kube-scheduler'])]),
    role('kube-public', `${controllerRolePrefix}bootstrap-signer`, [
      res(readVerbs, [g.core], ['configmaps']),
      res(['update'], [g.core], ['configmaps'], ['cluster-info']),
      eventsRule(),
    ]),
  ];
}

/** The default RoleBindings. */
export function namespaceRoleBindings(): KubeObject[] {
  return [
    roleBinding('kube-system', 'extension-apiserver-authentication-reader', [user('system:kube-controller-manager'), user('system:kube-scheduler')], 'system::extension-apiserver-authentication-reader'),
    roleBinding('kube-system', 'system::leader-locking-kube-controller-manager', [user('system:kube-controller-manager'), serviceAccount('kube-system', 'kube-controller-manager')]),
    roleBinding('kube-system', 'system::leader-locking-kube-scheduler', [user('system:kube-scheduler'), serviceAccount('kube-system', 'kube-scheduler')]),
    roleBinding('kube-system', `${controllerRolePrefix}bootstrap-signer`, [serviceAccount('kube-system', 'bootstrap-signer')]),
    roleBinding('kube-system', `${controllerRolePrefix}cloud-provider`, [serviceAccount('kube-system', 'cloud-provider')]),
    roleBinding('kube-system', `${controllerRolePrefix}token-cleaner`, [serviceAccount('kube-system', 'token-cleaner')]),
    roleBinding('kube-public', `${controllerRolePrefix}bootstrap-signer`, [serviceAccount('kube-system', 'bootstrap-signer')]),
  ];
}
