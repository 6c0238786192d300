/**
 * The RBAC informer: an in-memory copy of Roles, ClusterRoles, RoleBindings
 * and ClusterRoleBindings, kept current by list + watch of an RbacSource, with
 * bindings indexed by subject so a request only looks at the bindings that
 * name its user, its groups or its service account.
 *
 * Like kube-apiserver's RBAC authorizer (which reads shared informers), the
 * copy is eventually consistent: a binding created a moment ago may take a
 * few milliseconds to count.
 */
import type { UserInfo } from '../../endpoints/request/context.js';
import type { KubeObject } from '../../runtime/object.js';
import type { WatchStream } from '../../storage/interface.js';
import { rulesOf, type PolicyRule } from './rule.js';
import { runInformer, type Informer } from '../informer.js';

/** The four RBAC resources (rbac.authorization.k8s.io). */
export type RbacResource = 'roles' | 'clusterroles' | 'rolebindings' | 'clusterrolebindings';

export const rbacResources: readonly RbacResource[] = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'];

/** Where the informer reads from: the lead backs it with the stores (and their watch caches). */
export interface RbacSource {
  /** All objects of the resource, in all namespaces, and the revision of the list. */
  list(resource: RbacResource): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  /** Changes after `resourceVersion`. An ERROR event or a failure makes the informer list again. */
  watch(resource: RbacResource, resourceVersion: string): Promise<WatchStream>;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface Subject {
  kind: string;
  apiGroup: string;
  name: string;
  namespace: string;
}

/** A Role or ClusterRole as the authorizer needs it. */
export interface RoleEntry {
  namespace: string;
  name: string;
  rules: PolicyRule[];
  labels: Record<string, string>;
  /** ClusterRoles only: the aggregationRule's selectors (undefined when none). */
  aggregationSelectors?: unknown[];
  object: KubeObject;
}

/** A RoleBinding or ClusterRoleBinding. */
export interface BindingEntry {
  namespace: string;
  name: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

export type RbacEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'RESYNC';

/** Called after the cache changed. For RESYNC, `object` is undefined. */
export type RbacListener = (resource: RbacResource, type: RbacEventType, object: KubeObject | undefined) => void;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function labelsOf(o: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(o.metadata?.labels))) out[k] = String(v);
  return out;
}

/** Reads a Role/ClusterRole object. */
export function roleEntryOf(o: KubeObject): RoleEntry {
  const e: RoleEntry = { namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '', rules: rulesOf(o), labels: labelsOf(o), object: o };
  const agg = obj(o.aggregationRule);
  if (o.aggregationRule !== undefined && o.aggregationRule !== null) e.aggregationSelectors = Array.isArray(agg.clusterRoleSelectors) ? agg.clusterRoleSelectors : [];
  return e;
}

/** Reads a RoleBinding/ClusterRoleBinding object. */
export function bindingEntryOf(o: KubeObject): BindingEntry {
  const ref = obj(o.roleRef);
  const subjects = (Array.isArray(o.subjects) ? o.subjects : []).map((s) => {
    const so = obj(s);
    return { kind: str(so.kind), apiGroup: str(so.apiGroup), name: str(so.name), namespace: str(so.namespace) };
  });
  return { namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '', roleRef: { apiGroup: str(ref.apiGroup), kind: str(ref.kind), name: str(ref.name) }, subjects };
}

const saPrefix = 'system:serviceaccount:';

/** The namespace and name of a service account user name, if it is one. */
export function serviceAccountOf(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(saPrefix)) return undefined;
  const parts = username.slice(saPrefix.length).split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** Index keys of a binding subject ("" when it can never match). */
function subjectKey(s: Subject, bindingNamespace: string): string {
  switch (s.kind) {
    case 'User':
      return `u\u0000${s.name}`;
    case 'Group':
      return `g\u0000${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns === '' ? '' : `sa\u0000${ns}\u0000${s.name}`;
    }
    default:
      return '';
  }
}

/** The keys under which bindings for `user` are found. */
function userKeys(user: UserInfo): string[] {
  const keys = [`u\u0000${user.name}`, ...user.groups.map((g) => `g\u0000${g}`)];
  const sa = serviceAccountOf(user.name);
  if (sa) keys.push(`sa\u0000${sa.namespace}\u0000${sa.name}`);
  return keys;
}

/** Bindings indexed by subject key. */
class SubjectIndex {
  private readonly byKey = new Map<string, Map<string, BindingEntry>>();

  add(b: BindingEntry): void {
    for (const s of b.subjects) {
      const k = subjectKey(s, b.namespace);
      if (k === '') continue;
      let m = this.byKey.get(k);
      if (!m) this.byKey.set(k, (m = new Map()));
      m.set(b.name, b);
    }
  }

  remove(b: BindingEntry): void {
    for (const s of b.subjects) {
      const k = subjectKey(s, b.namespace);
      const m = this.byKey.get(k);
      if (!m) continue;
      m.delete(b.name);
      if (m.size === 0) this.byKey.delete(k);
    }
  }

  /** Bindings naming any of the keys, sorted by name (deterministic reasons). */
  find(keys: string[]): BindingEntry[] {
    const found = new Map<string, BindingEntry>();
    for (const k of keys) for (const [name, b] of this.byKey.get(k) ?? []) found.set(name, b);
    return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** The RBAC informer and index. */
export class RbacCache {
  private readonly roles = new Map<string, Map<string, RoleEntry>>();
  private readonly clusterRoles = new Map<string, RoleEntry>();
  private readonly roleBindings = new Map<string, Map<string, BindingEntry>>();
  private readonly clusterRoleBindings = new Map<string, BindingEntry>();
  private readonly clusterIndex = new SubjectIndex();
  private readonly namespaceIndex = new Map<string, SubjectIndex>();
  private readonly listeners = new Set<RbacListener>();
  private informers: Informer[] = [];
  private syncedResources = new Set<RbacResource>();

  // ---- reads -------------------------------------------------------------------------------

  getRole(namespace: string, name: string): RoleEntry | undefined {
    return this.roles.get(namespace)?.get(name);
  }

  getClusterRole(name: string): RoleEntry | undefined {
    return this.clusterRoles.get(name);
  }

  /** Every ClusterRole (unsorted). */
  listClusterRoles(): RoleEntry[] {
    return [...this.clusterRoles.values()];
  }

  /** ClusterRoleBindings naming the user, its groups or its service account, sorted by name. */
  clusterRoleBindingsFor(user: UserInfo): BindingEntry[] {
    return this.clusterIndex.find(userKeys(user));
  }

  /** RoleBindings in `namespace` that name the user, sorted by name. */
  roleBindingsFor(user: UserInfo, namespace: string): BindingEntry[] {
    return this.namespaceIndex.get(namespace)?.find(userKeys(user)) ?? [];
  }

  /** True once all four resources were listed. */
  get synced(): boolean {
    return this.syncedResources.size === rbacResources.length;
  }

  /** Resolves once `pred` holds (checked now and after every change); rejects after `timeoutMs`. */
  waitUntil(pred: (cache: RbacCache) => boolean, timeoutMs = 10_000): Promise<void> {
    if (pred(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.onChange(() => {
        if (!pred(this)) return;
        clearTimeout(timer);
        off();
        resolve();
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error('timed out waiting for the RBAC cache'));
      }, timeoutMs);
      timer.unref?.();
    });
  }

  /** Registers a change listener; returns its removal. */
  onChange(l: RbacListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  // ---- writes (from the watch, or fed directly) --------------------------------------------

  /** Applies one watch event. */
  applyEvent(resource: RbacResource, type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KubeObject): void {
    this.put(resource, o, type === 'DELETED');
    this.emit(resource, type, o);
  }

  /** Replaces the whole content of a resource (after a list). */
  replace(resource: RbacResource, items: KubeObject[]): void {
    for (const o of this.snapshot(resource)) this.put(resource, o, true);
    for (const o of items) this.put(resource, o, false);
    this.syncedResources.add(resource);
    this.emit(resource, 'RESYNC', undefined);
  }

  private snapshot(resource: RbacResource): KubeObject[] {
    switch (resource) {
      case 'roles':
        return [...this.roles.values()].flatMap((m) => [...m.values()].map((e) => e.object));
      case 'clusterroles':
        return [...this.clusterRoles.values()].map((e) => e.object);
      case 'rolebindings':
        return [...this.roleBindings.values()].flatMap((m) => [...m.values()].map(bindingObject));
      case 'clusterrolebindings':
        return [...this.clusterRoleBindings.values()].map(bindingObject);
    }
  }

  private put(resource: RbacResource, o: KubeObject, remove: boolean): void {
    const ns = o.metadata?.namespace ?? '';
    const name = o.metadata?.name ?? '';
    switch (resource) {
      case 'roles': {
        let m = this.roles.get(ns);
        if (remove) {
          m?.delete(name);
          if (m && m.size === 0) this.roles.delete(ns);
        } else {
          if (!m) this.roles.set(ns, (m = new Map()));
          m.set(name, roleEntryOf(o));
        }
        return;
      }
      case 'clusterroles':
        if (remove) this.clusterRoles.delete(name);
        else this.clusterRoles.set(name, roleEntryOf(o));
        return;
      case 'rolebindings': {
        let m = this.roleBindings.get(ns);
        let idx = this.namespaceIndex.get(ns);
        const old = m?.get(name);
        if (old) idx?.remove(old);
        if (remove) {
          m?.delete(name);
          if (m && m.size === 0) {
            this.roleBindings.delete(ns);
            this.namespaceIndex.delete(ns);
          }
          return;
        }
        if (!m) this.roleBindings.set(ns, (m = new Map()));
        if (!idx) this.namespaceIndex.set(ns, (idx = new SubjectIndex()));
        const b = bindingEntryOf(o);
        m.set(name, b);
        idx.add(b);
        return;
      }
      case 'clusterrolebindings': {
        const old = this.clusterRoleBindings.get(name);
        if (old) this.clusterIndex.remove(old);
        if (remove) {
          this.clusterRoleBindings.delete(name);
          return;
        }
        const b = bindingEntryOf(o);
        this.clusterRoleBindings.set(name, b);
        this.clusterIndex.add(b);
        return;
      }
    }
  }

  private emit(resource: RbacResource, type: RbacEventType, o: KubeObject | undefined): void {
    for (const l of this.listeners) {
      try {
        l(resource, type, o);
      } catch {
        // A listener's failure must not break the informer.
      }
    }
  }

  // ---- list + watch ------------------------------------------------------------------------

  /**
   * Lists and watches the four resources until stop(). Resolves once every
   * resource was listed (rejects if the first list of one fails).
   */
  async start(source: RbacSource): Promise<void> {
    for (const resource of rbacResources) {
      this.informers.push(
        runInformer(
          { list: () => source.list(resource), watch: (rv) => source.watch(resource, rv) },
          { replace: (items) => this.replace(resource, items), event: (type, o) => this.applyEvent(resource, type, o) },
        ),
      );
    }
    await Promise.all(this.informers.map((i) => i.ready));
  }

  /** Stops the watches. */
  stop(): void {
    for (const i of this.informers) i.stop();
    this.informers = [];
  }
}

function bindingObject(b: BindingEntry): KubeObject {
  return { metadata: { name: b.name, namespace: b.namespace || undefined } };
}
