/**
 * PodSecurity (plugin/pkg/admission/security/podsecurity and
 * pod-security-admission/admission, restated), a validating plugin:
 * - pods (create, and updates that change images or seccomp annotations) are
 *   checked against the namespace's `enforce` level (403 `pods "p" is
 *   forbidden: violates PodSecurity "restricted:latest": ...`), `audit`
 *   (audit annotation `pod-security.kubernetes.io/audit-violations`) and
 *   `warn` (a `would violate PodSecurity ...` warning);
 * - workload resources with a pod template (Deployment, Job, ...) only get
 *   audit annotations and warnings;
 * - namespaces with invalid labels are refused (422); raising a
 *   namespace's enforce level warns about the existing pods that violate it;
 * - exempt usernames, namespaces and runtime classes are not checked.
 */
import { newInternalError, newInvalid } from '../../../runtime/errors.js';
import type { KubeObject } from '../../../runtime/object.js';
import { asObj, objs, str, type Obj } from '../../../validation/json.js';
import type { FieldError } from '../../../validation/field/errors.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin, Attributes } from '../../interfaces.js';
import { admissionForbidden, aggregate } from '../../util/errors.js';
import { evaluatePod, forbiddenDetail, forbiddenReason, type CheckResult } from './checks.js';
import { levelVersionString, parsePodSecurityConfiguration, policyToEvaluate, type LevelVersion, type Policy, type PodSecurityConfiguration } from './policy.js';

export const PluginName = 'PodSecurity';
export const auditAnnotationPrefix = 'pod-security.kubernetes.io/';

export { evaluatePod, forbiddenDetail } from './checks.js';
export { parsePodSecurityConfiguration, policyToEvaluate } from './policy.js';

const ignoredPodSubresources = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

/** Where workload resources keep their pod template. */
const templateOf: Record<string, (o: Obj) => Obj | undefined> = {
  '/replicationcontrollers': (o) => asObj(asObj(o.spec)?.template),
  '/podtemplates': (o) => asObj(o.template),
  'apps/replicasets': (o) => asObj(asObj(o.spec)?.template),
  'apps/deployments': (o) => asObj(asObj(o.spec)?.template),
  'apps/statefulsets': (o) => asObj(asObj(o.spec)?.template),
  'apps/daemonsets': (o) => asObj(asObj(o.spec)?.template),
  'batch/jobs': (o) => asObj(asObj(o.spec)?.template),
  'batch/cronjobs': (o) => asObj(asObj(asObj(asObj(o.spec)?.jobTemplate)?.spec)?.template),
};

/** How many existing pods a namespace label change checks at most. */
const namespaceMaxPodsToCheck = 3000;

function messagesOf(errs: FieldError[]): string {
  return aggregate(errs.map((e) => e.message()));
}

function isSignificantContainerUpdate(c: Obj, old: Obj, ann: Record<string, string>, oldAnn: Record<string, string>): boolean {
  if (str(c.image) !== str(old.image)) return true;
  const key = `container.seccomp.security.alpha.kubernetes.io/${str(c.name)}`;
  return ann[key] !== oldAnn[key];
}

/** isSignificantPodUpdate: only image, seccomp annotation and ephemeral container changes are re-evaluated. */
export function isSignificantPodUpdate(pod: KubeObject, old: KubeObject): boolean {
  const ann = pod.metadata?.annotations ?? {};
  const oldAnn = old.metadata?.annotations ?? {};
  if (ann['seccomp.security.alpha.kubernetes.io/pod'] !== oldAnn['seccomp.security.alpha.kubernetes.io/pod']) return true;
  const spec = asObj(pod.spec);
  const oldSpec = asObj(old.spec);
  for (const key of ['containers', 'initContainers']) {
    const cs = objs(spec, key);
    const ocs = objs(oldSpec, key);
    if (cs.length !== ocs.length) return true;
    for (let i = 0; i < cs.length; i++) if (isSignificantContainerUpdate(cs[i], ocs[i], ann, oldAnn)) return true;
  }
  const oldEphemeral = objs(oldSpec, 'ephemeralContainers');
  for (const c of objs(spec, 'ephemeralContainers')) {
    const o = oldEphemeral.find((x) => str(x.name) === str(c.name));
    if (!o || isSignificantContainerUpdate(c, o, ann, oldAnn)) return true;
  }
  return false;
}

/** The PodSecurity plugin. */
export function newPodSecurity(deps: AdmissionDeps, config?: unknown): AdmissionPlugin {
  const cfg: PodSecurityConfiguration = parsePodSecurityConfiguration(asObj(config) ?? undefined);
  const exemptNamespace = (ns: string) => ns !== '' && cfg.exemptions.namespaces.includes(ns);
  const exemptUser = (u: string | undefined) => !!u && cfg.exemptions.usernames.includes(u);
  const exemptRuntimeClass = (rc: unknown) => typeof rc === 'string' && rc !== '' && cfg.exemptions.runtimeClasses.includes(rc);

  function annotate(attrs: Attributes, annotations: Record<string, string>): void {
    for (const k of Object.keys(annotations).sort()) attrs.addAuditAnnotation?.(auditAnnotationPrefix + k, annotations[k]);
  }

  async function namespacePolicy(attrs: Attributes): Promise<{ policy: Policy; errors: FieldError[] }> {
    const ns = await deps.get('', 'namespaces', '', attrs.namespace);
    if (!ns) throw newInternalError(new Error(`failed to lookup namespace ${attrs.namespace}`));
    return policyToEvaluate(ns.metadata?.labels, cfg.defaults);
  }

  /** EvaluatePod: enforce (pods only), audit and warn; annotations and warnings go to the request. */
  function evaluate(attrs: Attributes, policy: Policy, errors: FieldError[], meta: Obj | undefined, spec: Obj | undefined, enforce: boolean): void {
    if (exemptRuntimeClass(spec?.runtimeClassName)) {
      annotate(attrs, { exempt: 'runtimeClass' });
      return;
    }
    const annotations: Record<string, string> = {};
    if (errors.length > 0) annotations.error = `Failed to parse policy: ${messagesOf(errors)}`;
    const cache = new Map<string, CheckResult[]>();
    const run = (lv: LevelVersion) => {
      const key = levelVersionString(lv);
      let r = cache.get(key);
      if (!r) {
        r = evaluatePod(lv.level, lv.version, meta, spec);
        cache.set(key, r);
      }
      return r;
    };
    let denial: string | undefined;
    if (enforce) {
      annotations['enforce-policy'] = levelVersionString(policy.enforce);
      const r = run(policy.enforce);
      if (r.length > 0) denial = `violates PodSecurity ${JSON.stringify(levelVersionString(policy.enforce))}: ${forbiddenDetail(r)}`;
    }
    const audit = run(policy.audit);
    if (audit.length > 0) annotations['audit-violations'] = `would violate PodSecurity ${JSON.stringify(levelVersionString(policy.audit))}: ${forbiddenDetail(audit)}`;
    if (denial === undefined) {
      const warn = run(policy.warn);
      if (warn.length > 0) attrs.addWarning?.(`would violate PodSecurity ${JSON.stringify(levelVersionString(policy.warn))}: ${forbiddenDetail(warn)}`);
    }
    annotate(attrs, annotations);
    if (denial !== undefined) throw admissionForbidden(attrs, denial);
  }

  async function evaluatePodsInNamespace(namespace: string, enforce: LevelVersion): Promise<string[]> {
    const pods = await deps.list('', 'pods', namespace);
    const total = pods.length;
    const checked = pods.slice(0, namespaceMaxPodsToCheck);
    const order: string[] = [];
    const byWarning = new Map<string, { podName: string; count: number }>();
    for (const pod of checked) {
      const spec = asObj(pod.spec);
      if (exemptRuntimeClass(spec?.runtimeClassName)) continue;
      const r = evaluatePod(enforce.level, enforce.version, asObj(pod.metadata), spec);
      if (r.length === 0) continue;
      const w = forbiddenReason(r);
      const name = pod.metadata?.name ?? '';
      const c = byWarning.get(w);
      if (!c) {
        order.push(w);
        byWarning.set(w, { podName: name, count: 1 });
      } else {
        if (name < c.podName) c.podName = name;
        c.count++;
      }
    }
    const warnings: string[] = [];
    if (checked.length < total) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${total} existing pods`);
    if (order.length > 0) warnings.push(`existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(levelVersionString(enforce))}`);
    const decorated = order.map((w) => {
      const c = byWarning.get(w) as { podName: string; count: number };
      if (c.count === 1) return `${c.podName}: ${w}`;
      if (c.count === 2) return `${c.podName} (and 1 other pod): ${w}`;
      return `${c.podName} (and ${c.count - 1} other pods): ${w}`;
    });
    return [...warnings, ...decorated.sort()];
  }

  async function validateNamespace(attrs: Attributes): Promise<void> {
    if (attrs.subresource !== '' || !attrs.object) return;
    const name = attrs.object.metadata?.name ?? attrs.name;
    const next = policyToEvaluate(attrs.object.metadata?.labels, cfg.defaults);
    if (attrs.operation === 'CREATE') {
      if (next.errors.length > 0) throw newInvalid('Namespace', '', name, next.errors);
      return;
    }
    if (attrs.operation !== 'UPDATE' || !attrs.oldObject) return;
    const prev = policyToEvaluate(attrs.oldObject.metadata?.labels, cfg.defaults);
    if (next.errors.length > 0 && (prev.errors.length === 0 || messagesOf(next.errors) !== messagesOf(prev.errors))) throw newInvalid('Namespace', '', name, next.errors);
    const ne = next.policy.enforce;
    const oe = prev.policy.enforce;
    if (ne.level === oe.level && ne.version === oe.version) return;
    if (ne.level === 'privileged') return;
    const rank = (l: string) => ['privileged', 'baseline', 'restricted'].indexOf(l);
    if (ne.version === oe.version && rank(ne.level) <= rank(oe.level)) return;
    if (exemptNamespace(name)) return;
    for (const w of await evaluatePodsInNamespace(name, ne)) attrs.addWarning?.(w);
  }

  async function validatePod(attrs: Attributes): Promise<void> {
    if (ignoredPodSubresources.has(attrs.subresource) || !attrs.object) return;
    if (exemptNamespace(attrs.namespace)) return annotate(attrs, { exempt: 'namespace' });
    if (exemptUser(attrs.user?.name)) return annotate(attrs, { exempt: 'user' });
    const { policy, errors } = await namespacePolicy(attrs);
    if (errors.length === 0 && policy.enforce.level === 'privileged' && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return;
    if (attrs.operation === 'UPDATE' && attrs.oldObject && !isSignificantPodUpdate(attrs.object, attrs.oldObject)) return;
    evaluate(attrs, policy, errors, asObj(attrs.object.metadata), asObj(attrs.object.spec), true);
  }

  async function validatePodController(attrs: Attributes, extract: (o: Obj) => Obj | undefined): Promise<void> {
    if (attrs.subresource !== '' || !attrs.object) return;
    if (exemptNamespace(attrs.namespace)) return annotate(attrs, { exempt: 'namespace' });
    if (exemptUser(attrs.user?.name)) return annotate(attrs, { exempt: 'user' });
    const { policy, errors } = await namespacePolicy(attrs);
    if (errors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return;
    const template = extract(attrs.object as Obj);
    if (!template) return;
    evaluate(attrs, policy, errors, asObj(template.metadata), asObj(template.spec), false);
  }

  return {
    name: PluginName,
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    async validate(attrs) {
      if (attrs.group === '' && attrs.resource === 'namespaces') return validateNamespace(attrs);
      if (attrs.group === '' && attrs.resource === 'pods') return validatePod(attrs);
      const extract = templateOf[`${attrs.group}/${attrs.resource}`];
      if (extract) return validatePodController(attrs, extract);
    },
  };
}
