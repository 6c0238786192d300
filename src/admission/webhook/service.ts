/**
 * Resolving a webhook's `service` reference. kapi has no cluster network, so
 * a service is reached the way kube-apiserver reaches it with
 * `--enable-aggregator-routing`: through its Endpoints (one ready address
 * serving the named port), or at the external name of an ExternalName
 * service. Errors carry Kubernetes' texts (`service "x" not found`,
 * `no service port 443 found for service "x"`,
 * `no endpoints available for service "x"`).
 */
import type { KubeObject } from '../../runtime/object.js';
import type { ServiceResolver } from './client.js';

/** Reads one object by namespace and name: null when it does not exist. */
export type ObjectGetter = (namespace: string, name: string) => Promise<KubeObject | null>;

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
}

interface Subset {
  addresses?: { ip?: string }[];
  ports?: { name?: string; port?: number }[];
}

/** A resolver over the Services and Endpoints of the API (see the module comment). */
export function endpointsServiceResolver(getService: ObjectGetter, getEndpoints: ObjectGetter): ServiceResolver {
  return {
    async resolveEndpoint(namespace, name, port) {
      const svc = await getService(namespace, name);
      if (!svc) throw new Error(`service ${JSON.stringify(name)} not found`);
      const spec = (svc.spec ?? {}) as { type?: string; externalName?: string; ports?: ServicePort[] };
      const type = spec.type ?? 'ClusterIP';
      if (type === 'ExternalName') {
        if (!spec.externalName) throw new Error(`service ${JSON.stringify(name)} has no external name`);
        return { host: spec.externalName, port };
      }
      if (type !== 'ClusterIP' && type !== 'NodePort' && type !== 'LoadBalancer') throw new Error(`unsupported service type ${JSON.stringify(type)}`);
      const svcPort = (spec.ports ?? []).find((p) => p.port === port);
      if (!svcPort) throw new Error(`no service port ${port} found for service ${JSON.stringify(name)}`);
      const eps = await getEndpoints(namespace, name);
      if (!eps) throw new Error(`endpoints ${JSON.stringify(name)} not found`);
      const subsets = (eps.subsets ?? []) as Subset[];
      const start = subsets.length > 0 ? Math.floor(Math.random() * subsets.length) : 0;
      for (let i = 0; i < subsets.length; i++) {
        const ss = subsets[(start + i) % subsets.length];
        const addrs = (ss.addresses ?? []).filter((a) => typeof a.ip === 'string' && a.ip !== '');
        if (addrs.length === 0) continue;
        for (const p of ss.ports ?? []) {
          if ((p.name ?? '') === (svcPort.name ?? '') && typeof p.port === 'number') {
            const a = addrs[Math.floor(Math.random() * addrs.length)];
            return { host: a.ip as string, port: p.port };
          }
        }
      }
      throw new Error(`no endpoints available for service ${JSON.stringify(name)}`);
    },
  };
}
