/**
 * Test helpers for authorizers: users, request attributes, and an in-memory
 * RBAC object store that serves list + watch (an RbacSource) and writes (an
 * RbacObjectClient), with resourceVersions like the real store.
 */
import type { UserInfo } from '../endpoints/request/context.js';
import { newAlreadyExists, newConflict, newNotFound, OptimisticLockErrorMsg } from '../runtime/errors.js';
import type { KubeObject } from '../runtime/object.js';
import type { WatchEvent, WatchStream } from '../storage/interface.js';
import type { AuthorizationAttributes } from './interfaces.js';
import type { RbacResource, RbacSource } from './rbac/cache.js';

/** A user with `system:authenticated` added, as authentication does. */
export function testUser(name: string, groups: string[] = []): UserInfo {
  return { name, uid: '', groups: [...groups, 'system:authenticated'], extra: {} };
}

/** Resource request attributes (defaults: core group, v1, no namespace). */
export function resourceAttrs(user: UserInfo, verb: string, resource: string, opts: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  const [res, sub] = resource.split('/');
  return { user, verb, isResourceRequest: true, namespace: '', apiGroup: '', apiVersion: 'v1', resource: res, subresource: sub ?? '', name: '', path: '', ...opts };
}

/** Non-resource request attributes. */
export function pathAttrs(user: UserInfo, verb: string, path: string): AuthorizationAttributes {
  return { user, verb, isResourceRequest: false, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', path };
}

/** A watch stream fed by push(). */
export class QueueWatch implements WatchStream {
  private readonly queue: WatchEvent[] = [];
  private waiter?: () => void;
  private stopped = false;

  constructor(private readonly onStop: () => void = () => {}) {}

  push(ev: WatchEvent): void {
    this.queue.push(ev);
    this.waiter?.();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop();
    this.waiter?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    while (true) {
      while (this.queue.length > 0) yield this.queue.shift() as WatchEvent;
      if (this.stopped) return;
      await new Promise<void>((r) => (this.waiter = r));
      this.waiter = undefined;
    }
  }
}

const gr = (resource: string) => ({ group: 'rbac.authorization.k8s.io', resource });

/** An in-memory store of the four RBAC resources (keys `namespace/name`). */
export class MemoryRbacStore implements RbacSource {
  private rv = 1;
  readonly objects = new Map<RbacResource, Map<string, KubeObject>>();
  private readonly watchers = new Map<RbacResource, Set<QueueWatch>>();
  /** Every write, in order (`create clusterroles /x`). */
  readonly writes: string[] = [];

  private map(resource: RbacResource): Map<string, KubeObject> {
    let m = this.objects.get(resource);
    if (!m) this.objects.set(resource, (m = new Map()));
    return m;
  }

  private notify(resource: RbacResource, type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KubeObject): void {
    for (const w of this.watchers.get(resource) ?? []) w.push({ type, object: structuredClone(o) });
  }

  private key(o: KubeObject): string {
    return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  }

  async list(resource: RbacResource): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    return { items: [...this.map(resource).values()].map((o) => structuredClone(o)), resourceVersion: String(this.rv) };
  }

  async watch(resource: RbacResource): Promise<WatchStream> {
    let set = this.watchers.get(resource);
    if (!set) this.watchers.set(resource, (set = new Set()));
    const w: QueueWatch = new QueueWatch(() => set?.delete(w));
    set.add(w);
    return w;
  }

  async get(resource: RbacResource, namespace: string, name: string): Promise<KubeObject | null> {
    const o = this.map(resource).get(`${namespace}/${name}`);
    return o ? structuredClone(o) : null;
  }

  async create(resource: RbacResource, obj: KubeObject): Promise<KubeObject> {
    const m = this.map(resource);
    const k = this.key(obj);
    if (m.has(k)) throw newAlreadyExists(gr(resource), obj.metadata?.name ?? '');
    const o = structuredClone(obj);
    o.metadata = { ...(o.metadata ?? {}), resourceVersion: String(++this.rv) };
    m.set(k, o);
    this.writes.push(`create ${resource} ${k}`);
    this.notify(resource, 'ADDED', o);
    return structuredClone(o);
  }

  async update(resource: RbacResource, obj: KubeObject): Promise<KubeObject> {
    const m = this.map(resource);
    const k = this.key(obj);
    const cur = m.get(k);
    if (!cur) throw newNotFound(gr(resource), obj.metadata?.name ?? '');
    const want = obj.metadata?.resourceVersion;
    if (want && want !== cur.metadata?.resourceVersion) throw newConflict(gr(resource), obj.metadata?.name ?? '', OptimisticLockErrorMsg);
    const o = structuredClone(obj);
    o.metadata = { ...(o.metadata ?? {}), resourceVersion: String(++this.rv) };
    m.set(k, o);
    this.writes.push(`update ${resource} ${k}`);
    this.notify(resource, 'MODIFIED', o);
    return structuredClone(o);
  }

  async delete(resource: RbacResource, namespace: string, name: string): Promise<void> {
    const m = this.map(resource);
    const k = `${namespace}/${name}`;
    const cur = m.get(k);
    if (!cur) throw newNotFound(gr(resource), name);
    m.delete(k);
    this.writes.push(`delete ${resource} ${k}`);
    this.notify(resource, 'DELETED', cur);
  }

  /** Adds objects without recording writes (test setup). */
  async seed(resource: RbacResource, ...objs: KubeObject[]): Promise<void> {
    for (const o of objs) await this.create(resource, o);
    this.writes.length = 0;
  }
}

/** A ClusterRole/Role object. */
export function roleObject(name: string, rules: Record<string, unknown>[], opts: { namespace?: string; labels?: Record<string, string>; aggregate?: Record<string, string>[] } = {}): KubeObject {
  const o: KubeObject = { metadata: { name, namespace: opts.namespace, labels: opts.labels }, rules };
  if (opts.aggregate) o.aggregationRule = { clusterRoleSelectors: opts.aggregate.map((m) => ({ matchLabels: m })) };
  return o;
}

/** A binding object; subjects as `User:alice`, `Group:g`, `ServiceAccount:ns:name` (or `ServiceAccount::name`). */
export function bindingObject(name: string, roleKind: 'Role' | 'ClusterRole', roleName: string, subjects: string[], namespace?: string): KubeObject {
  return {
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
    subjects: subjects.map((s) => {
      const [kind, a, b] = s.split(':');
      if (kind === 'ServiceAccount') return { kind, namespace: a, name: b };
      return { kind, apiGroup: 'rbac.authorization.k8s.io', name: s.slice(kind.length + 1) };
    }),
  };
}
