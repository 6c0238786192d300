/**
 * ClusterRole aggregation (pkg/controller/clusterroleaggregation, restated).
 * kapi runs no kube-controller-manager, so the server does it itself: a
 * ClusterRole with `aggregationRule.clusterRoleSelectors` gets as `rules` the
 * union of the rules of every other ClusterRole that matches a selector
 * (selectors in order, matching roles by name, duplicates dropped), and is
 * rewritten whenever that union changes. The aggregator listens to the RBAC
 * informer and writes through a ClusterRoleWriter.
 */
import { labelSelectorAsSelector } from '../../validation/labelselector.js';
import type { RbacCache, RoleEntry } from './cache.js';
import { ruleEquals, type PolicyRule } from './rule.js';

/** Writes the aggregated rules of a ClusterRole (the lead backs it with the clusterroles store). */
export interface ClusterRoleWriter {
  updateRules(name: string, rules: PolicyRule[]): Promise<void>;
}

/** The rules `target` should have, given all ClusterRoles; undefined when it does not aggregate or a selector is invalid. */
export function aggregatedRules(target: RoleEntry, all: readonly RoleEntry[]): PolicyRule[] | undefined {
  if (!target.aggregationSelectors) return undefined;
  const out: PolicyRule[] = [];
  const byName = [...all].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const sel of target.aggregationSelectors) {
    const selector = labelSelectorAsSelector(sel);
    if (!selector) return undefined;
    for (const r of byName) {
      if (r.name === target.name || !selector.matches(r.labels)) continue;
      for (const rule of r.rules) if (!out.some((x) => ruleEquals(x, rule))) out.push(rule);
    }
  }
  return out;
}

function sameRules(a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean {
  return a.length === b.length && a.every((r, i) => ruleEquals(r, b[i]));
}

/** True when every aggregated ClusterRole already has the rules aggregation computes for it. */
export function aggregationSettled(cache: RbacCache): boolean {
  const all = cache.listClusterRoles();
  return all.every((t) => {
    const want = aggregatedRules(t, all);
    return want === undefined || sameRules(want, t.rules);
  });
}

/** Retry delay after a failed write (ms); tests may lower it. */
export const aggregationRetryMs = { value: 1000 };

/** Keeps aggregated ClusterRoles current. */
export class ClusterRoleAggregator {
  private running = false;
  private dirty = false;
  private stopped = false;
  private unsubscribe?: () => void;
  private retry?: NodeJS.Timeout;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly cache: RbacCache,
    private readonly writer: ClusterRoleWriter,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Starts listening; syncs once now. */
  start(): void {
    this.stopped = false;
    this.unsubscribe = this.cache.onChange((resource) => {
      if (resource === 'clusterroles') this.kick();
    });
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.retry) clearTimeout(this.retry);
    this.wakeIdle();
  }

  /** Resolves when no sync is running or pending (tests). */
  idle(): Promise<void> {
    if (!this.running && !this.dirty) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private kick(): void {
    this.dirty = true;
    if (this.running || this.stopped) return;
    this.running = true;
    setImmediate(() => void this.loop());
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        await this.syncAll();
      }
    } catch (err) {
      this.onError(err);
      if (!this.stopped) {
        this.retry = setTimeout(() => this.kick(), aggregationRetryMs.value);
        this.retry.unref?.();
      }
    } finally {
      this.running = false;
      if (this.dirty && !this.stopped) this.kick();
      else this.wakeIdle();
    }
  }

  /** Recomputes every aggregated ClusterRole and writes those whose rules changed. */
  async syncAll(): Promise<void> {
    const all = this.cache.listClusterRoles();
    for (const target of all) {
      const want = aggregatedRules(target, all);
      if (want === undefined || sameRules(want, target.rules)) continue;
      await this.writer.updateRules(target.name, want);
    }
  }
}
