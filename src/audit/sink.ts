/**
 * Audit backends: where events go (log file, webhook), the union of several,
 * and the counters Prometheus metrics will expose
 * (apiserver_audit_event_total, apiserver_audit_error_total{plugin},
 * apiserver_audit_level_total{level}).
 */
import { eventString } from './event.js';
import type { AuditEvent, Level } from './types.js';

/** A destination for events. Events are snapshots: backends may keep them, never change them. */
export interface AuditBackend {
  /** The plugin name (`log`, `webhook`, `union`). */
  readonly name: string;
  /**
   * Takes events. Returns false only when an event could not be stored and
   * the backend requires that to fail the request (blocking modes).
   */
  processEvents(events: AuditEvent[]): boolean;
  /** Delivers what is buffered (bounded in time) and stops. */
  shutdown(): Promise<void>;
}

/** Audit counters (read by the metrics endpoint). */
export const auditMetrics = {
  /** Events handed to backends (apiserver_audit_event_total). */
  eventTotal: 0,
  /** Events a plugin failed to deliver, by plugin (apiserver_audit_error_total). */
  errorTotal: new Map<string, number>(),
  /** Policy decisions by level (apiserver_audit_level_total). */
  levelTotal: new Map<Level, number>(),
};

/** Records a policy decision. */
export function observePolicyLevel(level: Level): void {
  auditMetrics.levelTotal.set(level, (auditMetrics.levelTotal.get(level) ?? 0) + 1);
}

/** Counts and logs events a plugin could not deliver (kube-apiserver's HandlePluginError). */
export function handlePluginError(plugin: string, err: unknown, events: AuditEvent[], log: (line: string) => void): void {
  auditMetrics.errorTotal.set(plugin, (auditMetrics.errorTotal.get(plugin) ?? 0) + events.length);
  const message = err instanceof Error ? err.message : String(err);
  const shown = events.slice(0, 10).map((e) => eventString(e));
  const more = events.length > shown.length ? `\n... and ${events.length - shown.length} more` : '';
  log(`kapi: error in audit plugin '${plugin}' affecting ${events.length} audit events: ${message}\nImpacted events:\n${shown.join('\n')}${more}`);
}

/** Several backends as one: every event goes to each; false if any refused. */
export function unionBackend(backends: AuditBackend[]): AuditBackend {
  if (backends.length === 1) return backends[0];
  return {
    name: 'union',
    processEvents(events) {
      let ok = true;
      for (const b of backends) ok = b.processEvents(events) && ok;
      return ok;
    },
    async shutdown() {
      await Promise.all(backends.map((b) => b.shutdown()));
    },
  };
}
