/**
 * Printers for networking.k8s.io: Ingresses, IngressClasses, NetworkPolicies,
 * ServiceCIDRs and IPAddresses.
 */
import { field, has, list, str } from './access.js';
import { ageOf, nameOf } from './common.js';
import { loadBalancerIngress } from './core.js';
import { AGE_COLUMN, NAME_COLUMN, col, formatLabelSelector } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** Up to three rule hosts, then `+ N more...` counted over all rules; `*` when no rule names a host. */
function formatHosts(rules: unknown[]): string {
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    if (!more && str(rule, 'host') !== '') hosts.push(str(rule, 'host'));
  }
  if (hosts.length === 0) return '*';
  const joined = hosts.join(',');
  return more ? `${joined} + ${rules.length - max} more...` : joined;
}

/** Ingresses: Name, Class, Hosts, Address, Ports, Age. */
export const ingressConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Class', 'string', 'The IngressClass that handles the ingress.'),
    col('Hosts', 'string', 'The hosts the rules of the ingress match.'),
    col('Address', 'string', 'The addresses of the load balancer serving the ingress.'),
    col('Ports', 'string', 'The ports the ingress listens on.'),
    AGE_COLUMN,
  ],
  cells(o, now) {
    const className = typeof field(o, 'spec', 'ingressClassName') === 'string' ? str(o, 'spec', 'ingressClassName') : '<none>';
    return [
      nameOf(o),
      className,
      formatHosts(list(o, 'spec', 'rules')),
      loadBalancerIngress(field(o, 'status', 'loadBalancer')),
      list(o, 'spec', 'tls').length > 0 ? '80, 443' : '80',
      ageOf(o, now),
    ];
  },
};

/** IngressClasses: Name, Controller, Parameters (`Kind.apiGroup/name`), Age. */
export const ingressClassConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Controller', 'string', 'The controller that implements the class.'),
    col('Parameters', 'string', 'The resource holding extra configuration for the class.'),
    AGE_COLUMN,
  ],
  cells(o, now) {
    let parameters = '<none>';
    if (has(o, 'spec', 'parameters')) {
      parameters = str(o, 'spec', 'parameters', 'kind');
      if (typeof field(o, 'spec', 'parameters', 'apiGroup') === 'string') parameters += `.${str(o, 'spec', 'parameters', 'apiGroup')}`;
      parameters += `/${str(o, 'spec', 'parameters', 'name')}`;
    }
    return [nameOf(o), str(o, 'spec', 'controller'), parameters, ageOf(o, now)];
  },
};

/** NetworkPolicies: Name, Pod-Selector, Age. */
export const networkPolicyConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Pod-Selector', 'string', 'The pods the policy applies to.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), formatLabelSelector(field(o, 'spec', 'podSelector') ?? {}), ageOf(o, now)],
};

/** ServiceCIDRs: Name, CIDRs, Age. */
export const serviceCIDRConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('CIDRs', 'string', 'The IP ranges service cluster IPs are allocated from.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), list(o, 'spec', 'cidrs').map(String).join(','), ageOf(o, now)],
};

/**
 * IPAddresses: Name, ParentRef. Like kube-apiserver, the row also carries the
 * age as a third cell that no column describes.
 */
export const ipAddressConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('ParentRef', 'string', 'The object the IP address is allocated to.')],
  cells(o, now) {
    let parent = '<none>';
    if (has(o, 'spec', 'parentRef')) {
      const group = str(o, 'spec', 'parentRef', 'group');
      const resource = str(o, 'spec', 'parentRef', 'resource');
      parent = (group === '' ? resource : `${resource}.${group}`).toLowerCase();
      const ns = str(o, 'spec', 'parentRef', 'namespace');
      if (ns !== '') parent += `/${ns}`;
      parent += `/${str(o, 'spec', 'parentRef', 'name')}`;
    }
    return [nameOf(o), parent, ageOf(o, now)];
  },
};
