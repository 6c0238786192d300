/**
 * The Node authorizer's graph, reduced to what pods tell (the part of
 * plugin/pkg/auth/authorizer/node/graph_populator.go kapi covers): a pod
 * bound to a node (spec.nodeName) relates that node to the pod, its
 * ServiceAccount, and the Secrets, ConfigMaps and PersistentVolumeClaims it
 * references (volumes, projected volumes, env, envFrom, imagePullSecrets,
 * generic ephemeral volumes). Kept current by watching pods.
 *
 * Not covered: PVC → PV → Secret chains, VolumeAttachments, ResourceClaims,
 * ResourceSlices (the authorizer answers "no relationship" for those).
 */
import type { KubeObject } from '../../runtime/object.js';
import { runInformer, type Informer, type ListWatchSource } from '../informer.js';

export type VertexType = 'pod' | 'secret' | 'configmap' | 'pvc' | 'serviceaccount';

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function arr(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map(rec) : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The objects a pod references, as `type/name` keys in the pod's namespace. */
export function podReferences(pod: KubeObject): { type: VertexType; name: string }[] {
  const spec = rec(pod.spec);
  const refs: { type: VertexType; name: string }[] = [];
  const add = (type: VertexType, name: string) => {
    if (name !== '') refs.push({ type, name });
  };
  add('serviceaccount', str(spec.serviceAccountName));
  for (const s of arr(spec.imagePullSecrets)) add('secret', str(s.name));
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)]) {
    for (const e of arr(c.env)) {
      const from = rec(e.valueFrom);
      add('secret', str(rec(from.secretKeyRef).name));
      add('configmap', str(rec(from.configMapKeyRef).name));
    }
    for (const e of arr(c.envFrom)) {
      add('secret', str(rec(e.secretRef).name));
      add('configmap', str(rec(e.configMapRef).name));
    }
  }
  const podName = str(pod.metadata?.name);
  for (const v of arr(spec.volumes)) {
    add('secret', str(rec(v.secret).secretName));
    add('configmap', str(rec(v.configMap).name));
    add('pvc', str(rec(v.persistentVolumeClaim).claimName));
    if (v.ephemeral !== undefined) add('pvc', `${podName}-${str(v.name)}`);
    for (const src of arr(rec(v.projected).sources)) {
      add('secret', str(rec(src.secret).name));
      add('configmap', str(rec(src.configMap).name));
    }
    for (const plugin of ['azureFile', 'cephfs', 'cinder', 'flexVolume', 'iscsi', 'rbd', 'scaleIO', 'storageos']) {
      const p = rec(v[plugin]);
      add('secret', str(rec(p.secretRef).name));
      if (plugin === 'azureFile') add('secret', str(p.secretName));
    }
    add('secret', str(rec(rec(v.csi).nodePublishSecretRef).name));
  }
  return refs;
}

/** Which nodes relate to which objects. */
export class NodeGraph {
  /** `ns/name` of a pod → its node and references. */
  private readonly pods = new Map<string, { node: string; keys: string[] }>();
  /** `type/ns/name` → node → number of pods relating them. */
  private readonly edges = new Map<string, Map<string, number>>();
  private informer?: Informer;

  private link(key: string, node: string, delta: number): void {
    let m = this.edges.get(key);
    if (!m) this.edges.set(key, (m = new Map()));
    const n = (m.get(node) ?? 0) + delta;
    if (n <= 0) m.delete(node);
    else m.set(node, n);
    if (m.size === 0) this.edges.delete(key);
  }

  private removePod(id: string): void {
    const old = this.pods.get(id);
    if (!old) return;
    for (const k of old.keys) this.link(k, old.node, -1);
    this.pods.delete(id);
  }

  /** Adds, updates or (remove=true) deletes a pod. */
  setPod(pod: KubeObject, remove = false): void {
    const ns = str(pod.metadata?.namespace);
    const name = str(pod.metadata?.name);
    const id = `${ns}/${name}`;
    this.removePod(id);
    const node = str(rec(pod.spec).nodeName);
    if (remove || node === '') return;
    const keys = [`pod/${id}`, ...new Set(podReferences(pod).map((r) => `${r.type}/${ns}/${r.name}`))];
    for (const k of keys) this.link(k, node, 1);
    this.pods.set(id, { node, keys });
  }

  /** Replaces all pods. */
  replacePods(pods: KubeObject[]): void {
    for (const id of [...this.pods.keys()]) this.removePod(id);
    for (const p of pods) this.setPod(p);
  }

  /** Whether `node` relates to the object (hasPathFrom). */
  hasPath(node: string, type: VertexType, namespace: string, name: string): boolean {
    return (this.edges.get(`${type}/${namespace}/${name}`)?.get(node) ?? 0) > 0;
  }

  /** Watches pods until stop(); resolves after the first list. */
  async start(pods: ListWatchSource): Promise<void> {
    this.informer = runInformer(pods, { replace: (items) => this.replacePods(items), event: (type, o) => this.setPod(o, type === 'DELETED') });
    await this.informer.ready;
  }

  stop(): void {
    this.informer?.stop();
  }
}
