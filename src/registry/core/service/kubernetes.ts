/**
 * The `kubernetes` Service in `default` (and its Endpoints), which
 * kube-apiserver keeps pointing at itself: ClusterIP = the first address of
 * the service range, port 443 → the server's advertised address and port
 * (Endpoints only for a non-loopback advertise address).
 */
import { isReason } from '../../../runtime/errors.js';
import type { KubeObject } from '../../../runtime/object.js';
import type { GenericStore, RequestScope } from '../../generic/store.js';

const system: RequestScope = { namespace: 'default', dryRun: false, user: { name: 'system:apiserver', groups: ['system:masters'] } };

export async function ensureKubernetesService(services: GenericStore, endpoints: GenericStore, clusterIP: string, advertise: { address: string; port: number }): Promise<void> {
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  const svc: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: { type: 'ClusterIP', clusterIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: advertise.port }], sessionAffinity: 'None' },
  };
  const exists = await services.get(system, 'kubernetes').then(
    () => true,
    (err) => {
      if (isReason(err, 'NotFound')) return false;
      throw err;
    },
  );
  if (!exists) {
    try {
      await services.create(system, svc);
    } catch (err) {
      // Another replica created it first (its IP claim or its object won).
      if (!isReason(err, 'AlreadyExists') && !(await services.get(system, 'kubernetes').then(() => true, () => false))) throw err;
    }
  }
  // Endpoints may not hold loopback addresses (validation refuses them), so a
  // server advertised on loopback publishes only the Service.
  if (/^127\./.test(advertise.address) || advertise.address === '::1') return;
  const subsets = [{ addresses: [{ ip: advertise.address }], ports: [{ name: 'https', port: advertise.port, protocol: 'TCP' }] }];
  await endpoints.update(system, 'kubernetes', '', (cur) => ({
    ...(cur ?? { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default' } }),
    metadata: { ...(cur?.metadata ?? { name: 'kubernetes', namespace: 'default' }), labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets,
  }), undefined, { forceAllowCreate: true });
}
