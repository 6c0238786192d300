/**
 * A minimal informer loop (client-go's reflector, restated): list, then
 * watch from the list's resourceVersion; an ERROR event (e.g. 410 Gone) or a
 * failed call lists again. Authorizers use it to keep in-memory indexes of
 * RBAC objects and pods current.
 */
import type { KubeObject } from '../runtime/object.js';
import type { WatchStream } from '../storage/interface.js';

/** Where an informer reads one resource from. */
export interface ListWatchSource {
  list(): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  watch(resourceVersion: string): Promise<WatchStream>;
}

/** What the informer feeds. */
export interface InformerHandler {
  /** The full content after a (re)list. */
  replace(items: KubeObject[]): void;
  /** One change. */
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void;
}

/** Delays of the loop (ms); tests may lower them. */
export const informerDelays = { rewatchMs: 200, afterErrorMs: 1000 };

/** A running informer. */
export interface Informer {
  /** Resolves after the first list (rejects when it fails). */
  ready: Promise<void>;
  stop(): void;
}

/** Starts an informer. */
export function runInformer(source: ListWatchSource, handler: InformerHandler): Informer {
  let stopped = false;
  let current: WatchStream | undefined;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      if (stopped) return r();
      wake = r;
      timer = setTimeout(r, ms);
      timer.unref?.();
    });
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    let first = true;
    const loop = async () => {
      let rv = '';
      while (!stopped) {
        try {
          if (rv === '') {
            const l = await source.list();
            if (stopped) break;
            handler.replace(l.items);
            rv = l.resourceVersion;
            if (first) {
              first = false;
              resolveReady();
            }
          }
          const w = await source.watch(rv);
          if (stopped) {
            w.stop();
            break;
          }
          current = w;
          try {
            for await (const ev of w) {
              if (stopped) break;
              if (ev.type === 'ERROR') {
                rv = '';
                break;
              }
              if (ev.type !== 'BOOKMARK') handler.event(ev.type, ev.object);
              const evRv = ev.object?.metadata?.resourceVersion;
              if (evRv) rv = evRv;
            }
          } finally {
            current = undefined;
            w.stop();
          }
          await sleep(informerDelays.rewatchMs);
        } catch (err) {
          if (first) {
            first = false;
            rejectReady(err);
            return;
          }
          rv = '';
          await sleep(informerDelays.afterErrorMs);
        }
      }
    };
    void loop();
  });
  return {
    ready,
    stop() {
      stopped = true;
      current?.stop();
      if (timer) clearTimeout(timer);
      wake?.();
    },
  };
}
