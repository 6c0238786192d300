/**
 * componentstatuses (deprecated since 1.19, still served): a read-only view
 * of the control plane's health. kapi has no separate scheduler or
 * controller-manager processes, so it reports what it is responsible for.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { VirtualEndpoint } from '../../endpoints/installer.js';

const components = ['scheduler', 'controller-manager', 'etcd-0'];

function status(name: string): KubeObject {
  return {
    kind: 'ComponentStatus',
    apiVersion: 'v1',
    metadata: { name },
    conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }],
  };
}

export function componentStatusEndpoint(): VirtualEndpoint {
  return {
    get: (name) => (components.includes(name) ? status(name) : undefined),
    list: () => components.map(status),
  };
}
