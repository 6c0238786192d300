/**
 * Type checking of ValidatingAdmissionPolicies and the status it is
 * reported in (policy/validating/typechecking.go and the
 * validatingadmissionpolicy-status controller, restated).
 *
 * The kinds a policy's matchConstraints name explicitly (no wildcard group,
 * version or resource; no subresources; at most 10) are resolved to their
 * schemas, and every validation expression and messageExpression is
 * compiled against each. Problems are written, per expression, to
 * `status.typeChecking.expressionWarnings[]` as
 * `{fieldRef: "spec.validations[0].expression", warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'x'\n | …\n"}`,
 * together with `status.observedGeneration`, whenever a policy's generation
 * is newer than the status.
 */
import type { GroupVersionKind, GroupVersionResource, JsonObject, JsonValue, KubeObject } from '../../runtime/object.js';
import { isJsonObject, parseGroupVersion } from '../../runtime/object.js';
import { messageForKind } from '../../runtime/catalog/catalog.js';
import { builtinResources, defaultEnabledResources, type ResourceSpec } from '../../registry/definitions.js';
import { compileExpression } from '../cel/compile.js';
import { typedEnvironment } from '../cel/typed.js';
import { rulesFrom } from '../webhook/rules.js';
import type { ObjectCache } from '../webhook/objectcache.js';

/** Writes the whole status of a policy (the subresource update). */
export type PolicyStatusWriter = (policyName: string, status: JsonObject) => Promise<void>;

/** How type checking resolves resources and kinds to schemas. */
export interface TypeCheckDeps {
  /** The kinds served at a group/version/resource. */
  kindsFor?(gvr: GroupVersionResource): GroupVersionKind[];
  /** The catalog message of a kind (undefined: no schema, not checked). */
  messageFor?(gvk: GroupVersionKind): string | undefined;
}

/** One entry of `status.typeChecking.expressionWarnings`. */
export interface ExpressionWarning {
  fieldRef: string;
  warning: string;
}

const maxTypesToCheck = 10;

/** kindsFor over resource specs (the served built-ins by default). */
export function specKindsFor(specs: readonly ResourceSpec[] = defaultEnabledResources(builtinResources)): (gvr: GroupVersionResource) => GroupVersionKind[] {
  return (gvr) => specs.filter((s) => s.group === gvr.group && s.version === gvr.version && s.resource === gvr.resource && !s.createOnly).map((s) => ({ group: s.group, version: s.version, kind: s.kind }));
}

const gvkString = (g: GroupVersionKind): string => `${g.group}/${g.version}, Kind=${g.kind}`;

/** The kinds to check a policy against, sorted by group, version and kind. */
export function typesToCheck(spec: JsonObject, kindsFor: (gvr: GroupVersionResource) => GroupVersionKind[]): GroupVersionKind[] {
  const constraints = isJsonObject(spec.matchConstraints) ? spec.matchConstraints : undefined;
  if (!constraints) return [];
  const found = new Map<string, GroupVersionKind>();
  for (const rule of rulesFrom(constraints.resourceRules)) {
    const groups = rule.apiGroups ?? [];
    const versions = rule.apiVersions ?? [];
    if (groups.length === 0 || groups.some((g) => g.includes('*'))) continue;
    if (versions.length === 0 || versions.some((v) => v.includes('*'))) continue;
    const resources = (rule.resources ?? []).filter((r) => !/[*/]/.test(r));
    for (const group of [...groups].sort()) {
      for (const version of [...versions].sort()) {
        for (const resource of [...resources].sort()) {
          for (const gvk of kindsFor({ group, version, resource })) {
            found.set(gvkString(gvk), gvk);
            if (found.size === maxTypesToCheck) return sortGVKs([...found.values()]);
          }
        }
      }
    }
  }
  return sortGVKs([...found.values()]);
}

function sortGVKs(list: GroupVersionKind[]): GroupVersionKind[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return list.sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.kind, b.kind));
}

const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');

/** Type checks a policy; the warnings to put in its status (empty when clean). */
export function typeCheckPolicy(policy: KubeObject, deps: TypeCheckDeps = {}): ExpressionWarning[] {
  const spec = isJsonObject(policy.spec) ? policy.spec : {};
  const kindsFor = deps.kindsFor ?? specKindsFor();
  const messageFor = deps.messageFor ?? ((g: GroupVersionKind) => messageForKind(g.group, g.version, g.kind));
  const targets = typesToCheck(spec, kindsFor).flatMap((gvk) => {
    const message = messageFor(gvk);
    return message ? [{ gvk, message }] : [];
  });
  if (targets.length === 0) return [];
  const paramKind = isJsonObject(spec.paramKind) ? spec.paramKind : undefined;
  let paramsMessage: string | undefined;
  if (paramKind) {
    const gv = parseGroupVersion(str(paramKind.apiVersion));
    paramsMessage = messageFor({ group: gv.group, version: gv.version, kind: str(paramKind.kind) });
  }
  const variables = (Array.isArray(spec.variables) ? spec.variables : []).filter(isJsonObject);
  const envs = targets.map(({ gvk, message }) => {
    const fields: Record<string, string> = {};
    for (const v of variables) {
      const env = typedEnvironment({ objectMessage: message, hasParams: paramKind !== undefined, paramsMessage, hasAuthorizer: true, variables: fields });
      const r = compileExpression(env, str(v.expression), ['dyn']);
      fields[str(v.name)] = r.ok ? r.program.outputType : 'dyn';
    }
    return { gvk, env: typedEnvironment({ objectMessage: message, hasParams: paramKind !== undefined, paramsMessage, hasAuthorizer: true, variables: fields }) };
  });
  const check = (expression: string): string => {
    const messages: string[] = [];
    for (const { gvk, env } of envs) {
      const r = compileExpression(env, expression, ['dyn']);
      if (!r.ok && r.error.type === 'Invalid') messages.push(`${gvkString(gvk)}: ${r.error.detail}\n`);
    }
    return messages.join('\n');
  };
  const warnings: ExpressionWarning[] = [];
  (Array.isArray(spec.validations) ? spec.validations : []).forEach((v, i) => {
    if (!isJsonObject(v)) return;
    const w = check(str(v.expression));
    if (w) warnings.push({ fieldRef: `spec.validations[${i}].expression`, warning: w });
    if (str(v.messageExpression) !== '') {
      const m = check(str(v.messageExpression));
      if (m) warnings.push({ fieldRef: `spec.validations[${i}].messageExpression`, warning: m });
    }
  });
  return warnings;
}

/** The status of a policy after type checking (other status fields kept). */
export function typeCheckedStatus(policy: KubeObject, warnings: ExpressionWarning[]): JsonObject {
  const current = isJsonObject(policy.status) ? policy.status : {};
  return {
    ...current,
    observedGeneration: policy.metadata?.generation ?? 0,
    typeChecking: warnings.length > 0 ? { expressionWarnings: warnings.map((w) => ({ fieldRef: w.fieldRef, warning: w.warning })) } : {},
  };
}

/** Delay before retrying a failed status write (ms); tests may lower it. */
export const statusRetryDelayMs = { value: 1000 };

/**
 * Keeps the status of every policy current: whenever the cache changes,
 * policies whose generation is newer than `status.observedGeneration` are
 * type checked and their status written, one at a time.
 */
export class PolicyStatusController {
  private readonly queue = new Set<string>();
  private running = false;
  private started = false;
  private stopped = false;
  private unsubscribe?: () => void;
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly cache: ObjectCache,
    private readonly write: PolicyStatusWriter,
    private readonly deps: TypeCheckDeps = {},
  ) {}

  /** Subscribes to the cache and reconciles what it holds (idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.cache.onChange(() => this.enqueueStale());
    this.enqueueStale();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
  }

  private stale(p: KubeObject): boolean {
    const observed = isJsonObject(p.status) && typeof p.status.observedGeneration === 'number' ? p.status.observedGeneration : 0;
    return (p.metadata?.generation ?? 0) > observed;
  }

  private enqueueStale(): void {
    for (const p of this.cache.list()) if (this.stale(p)) this.queue.add(p.metadata?.name ?? '');
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      while (this.queue.size > 0 && !this.stopped) {
        const name = this.queue.values().next().value as string;
        this.queue.delete(name);
        const p = this.cache.get(name);
        if (!p || !this.stale(p)) continue;
        try {
          await this.write(name, typeCheckedStatus(p, typeCheckPolicy(p, this.deps)));
          this.attempts.delete(name);
        } catch {
          const n = (this.attempts.get(name) ?? 0) + 1;
          this.attempts.set(name, n);
          if (n <= 5) {
            const t = setTimeout(() => {
              this.queue.add(name);
              void this.drain();
            }, statusRetryDelayMs.value * n);
            t.unref?.();
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
