/**
 * Pod specifics: the binding and eviction subresources, and the kubelet-backed
 * subresources (log, exec, attach, portforward, proxy), which kapi answers
 * with Kubernetes' errors for a pod without a reachable node.
 */
import type { KubeObject } from '../../runtime/object.js';
import { newBadRequest, newConflict, successStatus } from '../../runtime/errors.js';
import type { CreateOnlyEndpoint, ConnectEndpoint } from '../../endpoints/installer.js';
import type { GenericStore } from '../generic/store.js';
import { writeError } from '../../endpoints/handlers/responsewriters.js';

function scopeOf(ctx: { user?: { name: string; uid: string; groups: string[] }; query: URLSearchParams }, ns: string) {
  return { namespace: ns, user: ctx.user, dryRun: ctx.query.get('dryRun') === 'All' };
}

/** POST pods/<name>/binding: sets spec.nodeName (what the scheduler does). */
export function bindingEndpoint(pods: GenericStore): CreateOnlyEndpoint {
  return {
    group: '',
    version: 'v1',
    kind: 'Binding',
    message: 'k8s.io.api.core.v1.Binding',
    code: 201,
    async create(ctx, info, body) {
      const target = (body.target ?? {}) as { kind?: string; name?: string };
      if (!target.name) throw newBadRequest('Binding target must have a name');
      if (target.kind && target.kind !== 'Node') throw newBadRequest(`Binding target kind must be Node, got ${target.kind}`);
      await pods.update(scopeOf(ctx, info.namespace), info.name, '', (cur) => {
        if (cur === null) throw newBadRequest(`pod ${info.name} not found`);
        const spec = (cur.spec ?? {}) as Record<string, unknown>;
        if (spec.nodeName) throw newConflict(pods.gr, info.name, `pod ${info.name} is already assigned to node "${String(spec.nodeName)}"`);
        return { ...cur, spec: { ...spec, nodeName: target.name } };
      });
      return successStatus();
    },
  };
}

/** POST pods/<name>/eviction: deletes the pod (no PodDisruptionBudgets yet). */
export function evictionEndpoint(pods: GenericStore): CreateOnlyEndpoint {
  return {
    group: 'policy',
    version: 'v1',
    kind: 'Eviction',
    message: 'k8s.io.api.policy.v1.Eviction',
    code: 201,
    async create(ctx, info, body: KubeObject) {
      const opts = (body.deleteOptions ?? {}) as { gracePeriodSeconds?: number };
      await pods.delete(scopeOf(ctx, info.namespace), info.name, { gracePeriodSeconds: opts.gracePeriodSeconds });
      return successStatus();
    },
  };
}

async function nodeless(pods: GenericStore, ctx: Parameters<ConnectEndpoint>[0], info: Parameters<ConnectEndpoint>[1]): Promise<KubeObject> {
  return pods.get(scopeOf(ctx, info.namespace), info.name);
}

/** GET pods/<name>/log: 400 as kube-apiserver answers when no kubelet can be reached. */
export function podLogEndpoint(pods: GenericStore): ConnectEndpoint {
  return async (ctx, info, req, res) => {
    try {
      const pod = await nodeless(pods, ctx, info);
      const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
      if (!node) throw newBadRequest(`pod ${info.name} does not have a host assigned`);
      throw newBadRequest(`Get "https://${node}:10250/containerLogs/${info.namespace}/${info.name}": no kubelet is reachable for node "${node}"`);
    } catch (err) {
      writeError(req, res, err);
    }
  };
}

/** exec/attach/portforward/proxy: the same answer as log. */
export function podConnectEndpoint(pods: GenericStore, sub: string): ConnectEndpoint {
  return async (ctx, info, req, res) => {
    try {
      const pod = await nodeless(pods, ctx, info);
      const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
      if (!node) throw newBadRequest(`pod ${info.name} does not have a host assigned`);
      throw newBadRequest(`unable to upgrade connection: ${sub} needs a kubelet, and none is reachable for node "${node}"`);
    } catch (err) {
      writeError(req, res, err);
    }
  };
}
