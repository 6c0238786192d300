/**
 * Printers for rbac.authorization.k8s.io bindings. Roles and ClusterRoles have
 * no printer in kube-apiserver and use the default convertor (Name, Created At).
 */
import { list, str } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col, wide } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** Users, groups and service accounts (`namespace/name`) named by the subjects. */
function subjectCells(subjects: unknown[]): [users: string, groups: string, serviceAccounts: string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects) {
    switch (str(s, 'kind')) {
      case 'ServiceAccount':
        sas.push(`${str(s, 'namespace')}/${str(s, 'name')}`);
        break;
      case 'User':
        users.push(str(s, 'name'));
        break;
      case 'Group':
        groups.push(str(s, 'name'));
        break;
    }
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingConvertor(what: string): PrinterTableConvertor {
  return {
    columns: [
      NAME_COLUMN,
      col('Role', 'string', `The role the ${what} grants, as Kind/name.`),
      AGE_COLUMN,
      wide('Users', 'string', `The users the ${what} grants the role to.`),
      wide('Groups', 'string', `The groups the ${what} grants the role to.`),
      wide('ServiceAccounts', 'string', `The service accounts the ${what} grants the role to.`),
    ],
    cells: (o, now) => [nameOf(o), `${str(o, 'roleRef', 'kind')}/${str(o, 'roleRef', 'name')}`, ageOf(o, now), ...subjectCells(list(o, 'subjects'))],
  };
}

/** RoleBindings: Name, Role, Age; wide: Users, Groups, ServiceAccounts. */
export const roleBindingConvertor: PrinterTableConvertor = bindingConvertor('role binding');

/** ClusterRoleBindings: Name, Role, Age; wide: Users, Groups, ServiceAccounts. */
export const clusterRoleBindingConvertor: PrinterTableConvertor = bindingConvertor('cluster role binding');
