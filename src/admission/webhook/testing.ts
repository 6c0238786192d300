/**
 * Test helpers for the webhook and policy plugins: an in-memory list/watch
 * source whose changes reach running informers, and attributes builders.
 */
import type { ListWatchSource } from '../../authz/informer.js';
import type { WatchEvent, WatchStream } from '../../storage/interface.js';
import type { KubeObject } from '../../runtime/object.js';
import type { Attributes } from '../interfaces.js';
import type { RequestContext } from '../../endpoints/request/context.js';

/** An in-memory ListWatchSource of cluster-scoped objects. */
export class FakeListWatch implements ListWatchSource {
  private readonly items = new Map<string, KubeObject>();
  private rv = 1;
  private readonly streams = new Set<(ev: WatchEvent | null) => void>();

  constructor(initial: KubeObject[] = []) {
    for (const o of initial) this.items.set(o.metadata?.name ?? '', this.stamp(o));
  }

  private stamp(o: KubeObject): KubeObject {
    const copy = structuredClone(o);
    copy.metadata = { ...(copy.metadata ?? {}), resourceVersion: String(++this.rv), uid: copy.metadata?.uid ?? `uid-${copy.metadata?.name}` };
    return copy;
  }

  /** Adds or replaces an object (ADDED / MODIFIED to watchers). */
  set(o: KubeObject): void {
    const name = o.metadata?.name ?? '';
    const type = this.items.has(name) ? 'MODIFIED' : 'ADDED';
    const stored = this.stamp(o);
    this.items.set(name, stored);
    for (const s of this.streams) s({ type, object: stored });
  }

  /** Removes an object (DELETED to watchers). */
  delete(name: string): void {
    const o = this.items.get(name);
    if (!o) return;
    this.items.delete(name);
    const stamped = { ...o, metadata: { ...o.metadata, resourceVersion: String(++this.rv) } };
    for (const s of this.streams) s({ type: 'DELETED', object: stamped });
  }

  async list(): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    return { items: [...this.items.values()].map((o) => structuredClone(o)), resourceVersion: String(this.rv) };
  }

  async watch(): Promise<WatchStream> {
    const queue: (WatchEvent | null)[] = [];
    let wake: (() => void) | undefined;
    const push = (ev: WatchEvent | null): void => {
      queue.push(ev);
      wake?.();
    };
    this.streams.add(push);
    const streams = this.streams;
    return {
      stop() {
        streams.delete(push);
        push(null);
      },
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (queue.length === 0) await new Promise<void>((r) => (wake = r));
          const ev = queue.shift();
          if (ev === null || ev === undefined) return;
          yield ev;
        }
      },
    };
  }
}

/** Attributes of a request, with defaults for the fields a test does not care about. */
export function attributes(a: Partial<Attributes> & Pick<Attributes, 'operation' | 'resource' | 'kind'>, context?: RequestContext): Attributes {
  const base: Attributes = {
    group: '',
    version: 'v1',
    subresource: '',
    namespace: '',
    name: a.object?.metadata?.name ?? '',
    object: null,
    oldObject: null,
    dryRun: false,
    user: { name: 'alice', uid: 'u-1', groups: ['system:authenticated'], extra: {} },
    ...a,
  };
  return context ? Object.assign(base, { context }) : base;
}

/** A RequestContext with a warnings list and an abort signal. */
export function requestContext(signal: AbortSignal = new AbortController().signal): RequestContext {
  return { auditId: 'test', receivedAt: Date.now(), url: new URL('https://x/'), query: new URLSearchParams(), warnings: [], signal };
}
