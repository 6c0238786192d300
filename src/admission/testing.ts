/**
 * Test support: an in-memory `AdmissionDeps` with real optimistic
 * concurrency (every write bumps a resourceVersion; `guaranteedUpdate`
 * retries when the object changed while `tryUpdate` ran), and attributes
 * builders that record warnings and audit annotations.
 */
import type { KubeObject } from '../runtime/object.js';
import type { AuthorizationAttributes, AuthorizerResult } from '../authz/interfaces.js';
import type { AdmissionDeps, TryUpdateFunc } from './deps.js';
import type { Attributes, Operation } from './interfaces.js';

/** An in-memory object store keyed by group/resource/namespace/name. */
export class FakeDeps implements AdmissionDeps {
  private readonly objects = new Map<string, KubeObject>();
  private rv = 1;
  /** Writes done through guaranteedUpdate (successful ones). */
  writes = 0;
  /** Answers authorization questions (deny everything by default). */
  authorizer: (a: AuthorizationAttributes) => AuthorizerResult = () => ({ decision: 'NoOpinion', reason: '' });

  private static key(group: string, resource: string, namespace: string, name: string): string {
    return `${group}/${resource}/${namespace}/${name}`;
  }

  /** Stores an object (cluster-scoped when it has no namespace). */
  put(group: string, resource: string, obj: KubeObject): KubeObject {
    const ns = obj.metadata?.namespace ?? '';
    const copy = structuredClone(obj);
    copy.metadata = { ...copy.metadata, resourceVersion: String(++this.rv) };
    this.objects.set(FakeDeps.key(group, resource, ns, copy.metadata.name ?? ''), copy);
    return structuredClone(copy);
  }

  async get(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | null> {
    await Promise.resolve();
    const o = this.objects.get(FakeDeps.key(group, resource, namespace, name));
    return o ? structuredClone(o) : null;
  }

  async list(group: string, resource: string, namespace: string): Promise<KubeObject[]> {
    await Promise.resolve();
    const prefix = namespace === '' ? `${group}/${resource}/` : `${group}/${resource}/${namespace}/`;
    return [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => structuredClone(v));
  }

  async guaranteedUpdate(group: string, resource: string, namespace: string, name: string, tryUpdate: TryUpdateFunc): Promise<KubeObject> {
    const key = FakeDeps.key(group, resource, namespace, name);
    for (;;) {
      const cur = this.objects.get(key);
      if (!cur) throw new Error(`${resource} "${name}" not found`);
      const seen = cur.metadata?.resourceVersion;
      // Yield so that concurrent callers interleave like real storage round-trips.
      await new Promise((r) => setImmediate(r));
      const next = await tryUpdate(structuredClone(cur));
      if (this.objects.get(key)?.metadata?.resourceVersion !== seen) continue;
      this.writes++;
      return this.put(group, resource, { ...next, metadata: { ...next.metadata, namespace: namespace || undefined } });
    }
  }

  authorize(a: AuthorizationAttributes): AuthorizerResult {
    return this.authorizer(a);
  }
}

/** Attributes that record what plugins report. */
export interface RecordedAttributes extends Attributes {
  warnings: string[];
  annotations: Record<string, string>;
}

/** Builds request attributes for a plugin test. */
export function attributesFor(opts: {
  operation: Operation;
  group?: string;
  version?: string;
  kind: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  object?: KubeObject | null;
  oldObject?: KubeObject | null;
  dryRun?: boolean;
  user?: { name: string; groups?: string[] };
}): RecordedAttributes {
  const warnings: string[] = [];
  const annotations: Record<string, string> = {};
  return {
    operation: opts.operation,
    group: opts.group ?? '',
    version: opts.version ?? 'v1',
    kind: opts.kind,
    resource: opts.resource,
    subresource: opts.subresource ?? '',
    namespace: opts.namespace ?? '',
    name: opts.name ?? opts.object?.metadata?.name ?? '',
    object: opts.object ?? null,
    oldObject: opts.oldObject ?? null,
    dryRun: opts.dryRun ?? false,
    user: opts.user ? { name: opts.user.name, uid: '', groups: opts.user.groups ?? [], extra: {} } : undefined,
    warnings,
    annotations,
    addWarning: (t) => warnings.push(t),
    addAuditAnnotation: (k, v) => {
      if (!(k in annotations)) annotations[k] = v;
    },
  };
}
