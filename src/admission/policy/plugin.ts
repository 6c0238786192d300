/**
 * The ValidatingAdmissionPolicy plugin (policy/validating, restated).
 *
 * For every policy whose matchConstraints match the request, every binding
 * of it (`spec.policyName`) whose matchResources match is evaluated with
 * each of its params. A failed validation acts as the binding's
 * `validationActions` say:
 * - Deny: the request fails — `<resource> "<name>" is forbidden:
 *   ValidatingAdmissionPolicy '<p>' with binding '<b>' denied request: <message>`,
 *   with the validation's reason (Invalid → 422 by default);
 * - Warn: a Warning header `Validation failed for ValidatingAdmissionPolicy
 *   '<p>' with binding '<b>': <message>`;
 * - Audit: the audit annotation `validation.policy.admission.k8s.io/validation_failure`.
 * Configuration errors (unknown paramKind, missing params with
 * `parameterNotFoundAction: Deny`) deny under `failurePolicy: Fail`.
 * Policies and bindings are followed live; policy type checking is written
 * to the policy's status (status.ts).
 */
import type { Attributes, Operation } from '../interfaces.js';
import type { Authorizer } from '../../authz/interfaces.js';
import type { ListWatchSource } from '../../authz/informer.js';
import type { JsonObject, KubeObject } from '../../runtime/object.js';
import { isJsonObject, parseGroupVersion } from '../../runtime/object.js';
import { newForbidden, StatusError } from '../../runtime/errors.js';
import { buildActivation, withParams } from '../cel/activation.js';
import { CostBudget } from '../cel/cost.js';
import { admissionRequestJson, namespaceObjectJson } from '../cel/request.js';
import { addAnnotation, addWarning, kindOf, nameForErrors, optionsOf, resourceOf } from '../webhook/attributes.js';
import { exactResourceMapper, type EquivalentResourceMapper } from '../webhook/equivalent.js';
import { DispatchContext, VersionedAttributeAccessor } from '../webhook/generic.js';
import { DerivedView, ObjectCache } from '../webhook/objectcache.js';
import type { LifecycleAdmissionPlugin } from '../webhook/plugin.js';
import { isExemptAdmissionConfigurationResource } from '../webhook/rules.js';
import { getNamespaceOrNotFound, type NamespaceGetter } from '../webhook/selectors.js';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { bindingMatches, definitionMatches } from './matching.js';
import { collectParams, ParamError, type ParamResolver } from './params.js';
import { PolicyStatusController, type PolicyStatusWriter, type TypeCheckDeps } from './status.js';
import { validatePolicy, type PolicyDecision } from './validator.js';

/** The plugin name, as `--enable-admission-plugins` spells it. */
export const ValidatingAdmissionPolicyPluginName = 'ValidatingAdmissionPolicy';

/** The dependencies of the ValidatingAdmissionPolicy plugin. */
export interface PolicyPluginDeps {
  /** List + watch of validatingadmissionpolicies (a function is called on first use). */
  policies: ListWatchSource | (() => ListWatchSource);
  /** List + watch of validatingadmissionpolicybindings. */
  bindings: ListWatchSource | (() => ListWatchSource);
  getNamespace: NamespaceGetter;
  /** Backs the `authorizer` variable. */
  authorizer?: Authorizer;
  /** Finds the objects of a paramKind. */
  paramResolver?: ParamResolver;
  resourceMapper?: EquivalentResourceMapper;
  /** Writes a policy's status (type checking); without it no status is written. */
  statusWriter?: PolicyStatusWriter;
  /** Resolves matched resources to kinds for type checking (the served built-ins by default). */
  typeCheck?: TypeCheckDeps;
}

interface PolicyHook {
  policy: KubeObject;
  spec: JsonObject;
  compiled: CompiledPolicy;
  configurationError?: string;
  bindings: KubeObject[];
}

const handled: ReadonlySet<Operation> = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);
const validationFailureKey = 'validation.policy.admission.k8s.io/validation_failure';
const maxAuditAnnotationValueLength = 10 * 1024;

function reasonToCode(reason: string): number {
  switch (reason) {
    case 'Forbidden':
      return 403;
    case 'Unauthorized':
      return 401;
    case 'RequestEntityTooLarge':
      return 413;
    default:
      return 422;
  }
}

/** `group/version, Kind=kind` of a paramKind. */
function gvkString(apiVersion: string, kind: string): string {
  const gv = parseGroupVersion(apiVersion);
  return `${gv.group}/${gv.version}, Kind=${kind}`;
}

interface DeniedDecision extends PolicyDecision {
  policy: string;
  binding?: string;
}

/** Builds the ValidatingAdmissionPolicy plugin. */
export function newValidatingAdmissionPolicyPlugin(deps: PolicyPluginDeps): LifecycleAdmissionPlugin {
  const policies = new ObjectCache(deps.policies);
  const bindings = new ObjectCache(deps.bindings);
  const mapper = deps.resourceMapper ?? exactResourceMapper;
  const compiledCache = new Map<string, CompiledPolicy>();
  const status = deps.statusWriter ? new PolicyStatusController(policies, deps.statusWriter, deps.typeCheck) : undefined;

  const compiledFor = (p: KubeObject): CompiledPolicy => {
    const key = `${p.metadata?.uid ?? ''}/${p.metadata?.name ?? ''}/${p.metadata?.generation ?? p.metadata?.resourceVersion ?? ''}`;
    let c = compiledCache.get(key);
    if (!c) {
      c = compilePolicy(p);
      compiledCache.set(key, c);
    }
    return c;
  };

  let bindingGen = -1;
  let byPolicy = new Map<string, KubeObject[]>();
  const hooks = new DerivedView<PolicyHook[]>(policies, (objects) => {
    const live = new Set<string>();
    const out = objects.map((p) => {
      const spec = isJsonObject(p.spec) ? p.spec : {};
      const compiled = compiledFor(p);
      live.add(`${p.metadata?.uid ?? ''}/${p.metadata?.name ?? ''}/${p.metadata?.generation ?? p.metadata?.resourceVersion ?? ''}`);
      const hook: PolicyHook = { policy: p, spec, compiled, bindings: [] };
      if (compiled.paramKind && deps.paramResolver && !deps.paramResolver(compiled.paramKind.apiVersion, compiled.paramKind.kind)) {
        hook.configurationError = `failed to find resource referenced by paramKind: '${gvkString(compiled.paramKind.apiVersion, compiled.paramKind.kind)}'`;
      }
      return hook;
    });
    for (const k of compiledCache.keys()) if (!live.has(k)) compiledCache.delete(k);
    return out;
  });

  const currentHooks = (): PolicyHook[] => {
    if (bindingGen !== bindings.generation) {
      byPolicy = new Map();
      for (const b of bindings.list()) {
        const name = isJsonObject(b.spec) && typeof b.spec.policyName === 'string' ? b.spec.policyName : '';
        const list = byPolicy.get(name) ?? [];
        list.push(b);
        byPolicy.set(name, list);
      }
      bindingGen = bindings.generation;
    }
    return hooks.get().map((h) => ({ ...h, bindings: byPolicy.get(h.policy.metadata?.name ?? '') ?? [] }));
  };

  const start = async (): Promise<void> => {
    await Promise.all([policies.start(), bindings.start()]);
    status?.start();
  };

  async function dispatch(attrs: Attributes): Promise<void> {
    const denied: DeniedDecision[] = [];
    const ctx = new DispatchContext(attrs, mapper, deps.getNamespace, deps.authorizer);
    const versioned = new VersionedAttributeAccessor(attrs, mapper, false);
    const configError = (hook: PolicyHook, message: string, binding?: string): void => {
      if (hook.compiled.failurePolicy === 'Ignore') return;
      denied.push({ action: 'Deny', evaluation: 'Error', message: binding === undefined ? `failed to configure policy: ${message}` : `failed to configure binding: ${message}`, policy: hook.compiled.name, binding });
    };
    let namespaceObject: JsonObject | null | undefined;
    for (const hook of currentHooks()) {
      let match;
      try {
        match = await definitionMatches(hook.spec, attrs, mapper, ctx.getNamespace);
      } catch {
        continue;
      }
      if (!match.matches || !match.kind || !match.resource) continue;
      if (hook.configurationError) {
        configError(hook, hook.configurationError.replace(/^failed to configure policy: /, ''));
        continue;
      }
      const collected = new Map<string, string[]>();
      for (const binding of hook.bindings) {
        const bspec = isJsonObject(binding.spec) ? binding.spec : {};
        const bindingName = binding.metadata?.name ?? '';
        let bmatch: boolean;
        try {
          bmatch = await bindingMatches(bspec, attrs, mapper, ctx.getNamespace);
        } catch (err) {
          configError(hook, err instanceof StatusError ? (err.status.message ?? err.message) : String(err), bindingName);
          continue;
        }
        if (!bmatch) continue;
        const paramKind = hook.compiled.paramKind;
        let params: (KubeObject | null)[];
        try {
          params = await collectParams(paramKind, paramKind ? deps.paramResolver?.(paramKind.apiVersion, paramKind.kind) : undefined, bspec.paramRef, attrs.namespace);
        } catch (err) {
          if (!(err instanceof ParamError) && !(err instanceof StatusError)) throw err;
          configError(hook, err instanceof StatusError ? (err.status.message ?? err.message) : err.message, bindingName);
          continue;
        }
        if (params.length === 0) continue;
        if (namespaceObject === undefined) {
          const isNamespace = attrs.group === '' && attrs.version === 'v1' && attrs.kind === 'Namespace';
          namespaceObject = attrs.namespace !== '' && !isNamespace ? namespaceObjectJson(await getNamespaceOrNotFound(ctx.getNamespace, attrs.namespace)) : null;
        }
        const v = versioned.get(match.kind);
        const base = buildActivation({
          object: v.object,
          oldObject: v.oldObject,
          request: admissionRequestJson({
            uid: '',
            kind: match.kind,
            resource: match.resource,
            subResource: attrs.subresource,
            requestKind: kindOf(attrs),
            requestResource: resourceOf(attrs),
            requestSubResource: attrs.subresource,
            name: attrs.name,
            namespace: attrs.namespace,
            operation: attrs.operation,
            userInfo: attrs.user,
            dryRun: attrs.dryRun,
            options: optionsOf(attrs),
          }),
          namespaceObject,
          authorizer: ctx.celAuthorizer(),
        });
        const actions = Array.isArray(bspec.validationActions) ? bspec.validationActions.filter((a): a is string => typeof a === 'string') : [];
        for (const param of params) {
          const result = await validatePolicy(hook.compiled, withParams(base, param), new CostBudget());
          result.decisions.forEach((d, i) => {
            if (d.action !== 'Deny') return;
            for (const action of actions) {
              if (action === 'Deny') denied.push({ ...d, policy: hook.compiled.name, binding: bindingName });
              else if (action === 'Warn') addWarning(attrs, `Validation failed for ValidatingAdmissionPolicy '${hook.compiled.name}' with binding '${bindingName}': ${d.message}`);
              else if (action === 'Audit') {
                addAnnotation(attrs, validationFailureKey, JSON.stringify([{ message: d.message, policy: hook.compiled.name, binding: bindingName, expressionIndex: i, validationActions: actions }]));
              }
            }
          });
          for (const a of result.auditAnnotations) {
            if (a.action === 'Publish' && a.value !== undefined) {
              const value = a.value.length > maxAuditAnnotationValueLength ? a.value.slice(0, maxAuditAnnotationValueLength) : a.value;
              const list = collected.get(a.key) ?? [];
              if (!list.includes(value)) list.push(value);
              collected.set(a.key, list);
            } else if (a.action === 'Error') {
              denied.push({ action: 'Deny', evaluation: 'Error', message: a.error ?? '', policy: hook.compiled.name, binding: bindingName });
            }
          }
        }
      }
      for (const [key, values] of collected) addAnnotation(attrs, `${hook.compiled.name}/${key}`, values.join(', '));
    }
    if (denied.length === 0) return;
    const first = denied[0];
    const message = first.binding !== undefined
      ? `ValidatingAdmissionPolicy '${first.policy}' with binding '${first.binding}' denied request: ${first.message}`
      : `ValidatingAdmissionPolicy '${first.policy}' denied request: ${first.message}`;
    const err = newForbidden({ group: attrs.group, resource: attrs.resource }, nameForErrors(attrs), message);
    const reason = first.reason || 'Invalid';
    err.status.reason = reason;
    err.status.code = reasonToCode(reason);
    err.status.details = { ...(err.status.details ?? {}), causes: [...(err.status.details?.causes ?? []), { message }] };
    throw err;
  }

  return {
    name: ValidatingAdmissionPolicyPluginName,
    handles: (op) => handled.has(op),
    async validate(attrs) {
      if (isExemptAdmissionConfigurationResource(attrs.group, attrs.kind)) return;
      void start().catch(() => undefined);
      const ready = (await policies.waitForSync()) && (await bindings.waitForSync());
      if (!ready) throw newForbidden({ group: attrs.group, resource: attrs.resource }, nameForErrors(attrs), 'not yet ready to handle request');
      if (policies.list().length === 0) return;
      await dispatch(attrs);
    },
    start,
    stop() {
      status?.stop();
      policies.stop();
      bindings.stop();
    },
  };
}
