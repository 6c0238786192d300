/**
 * PodSpec and PodTemplateSpec validation (pkg/apis/core/validation:
 * ValidatePodSpec, validateContainers, validateContainerPorts, ValidateEnv,
 * probes, volume mounts, tolerations...), with Kubernetes' field paths and
 * messages. Runs on defaulted objects, as upstream does.
 */
import { duplicate, FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../validation/field/errors.js';
import { asArr, asObj, num, objs, str, type Obj } from '../../validation/json.js';
import { inclusiveRangeError, isIP, isValidLabelValue, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateAnnotations, validateLabelName, validateLabels } from '../../validation/objectmeta.js';
import { validateLabelSelector } from '../../validation/labelselector.js';
import { validateVolumes } from './volumes.js';
import { validateContainers, validateInitContainers } from './containers.js';
import { validateDNS1123Label, validateDNS1123Subdomain, validateQualifiedName } from './fields.js';

export { validateDNS1123Label, validateDNS1123Subdomain, validatePortNumOrName, validateQualifiedName } from './fields.js';

/** Options that change pod spec validation. */
export interface PodValidationOptions {
  /** The spec belongs to a Pod (not a template): hostPort must equal containerPort under hostNetwork. */
  resourceIsPod?: boolean;
}

const maxInt32 = 2147483647;

/** Pod tolerations (also RuntimeClass scheduling tolerations). */
export function validateTolerations(tolerations: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const p = path.index(i);
    const key = str(t.key);
    const op = str(t.operator);
    const value = str(t.value);
    const effect = str(t.effect);
    if (key !== '') errs.push(...validateLabelName(key, p.child('key')));
    if (key === '' && op !== 'Exists') {
      errs.push(invalid(p.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(invalid(p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalid(p.child('operator'), value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value !== '') errs.push(invalid(p.child('operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(p.child('operator'), op, ['Equal', 'Exists']));
    }
    if (effect !== '' && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(notSupported(p.child('effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

function validatePodDNSConfig(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const cfg = asObj(spec.dnsConfig);
  if (spec.dnsPolicy === 'None') {
    if (!cfg) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if ((asArr(cfg.nameservers) ?? []).length === 0) return [required(path.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return errs;
  const ns = (asArr(cfg.nameservers) ?? []).map(str);
  if (ns.length > 3) errs.push(invalid(path.child('nameservers'), ns, 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => {
    if (!isIP(n)) errs.push(invalid(path.child('nameservers').index(i), n, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  const searches = (asArr(cfg.searches) ?? []).map(str);
  if (searches.length > 32) errs.push(invalid(path.child('searches'), searches, 'must not have more than 32 search paths'));
  objs(cfg, 'options').forEach((o, i) => {
    if (str(o.name) === '') errs.push(required(path.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

function validateAffinityTerms(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const affinity = asObj(spec.affinity);
  if (!affinity) return errs;
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = asObj(affinity[kind]);
    if (!a) continue;
    const p = path.child(kind);
    objs(a, 'requiredDuringSchedulingIgnoredDuringExecution').forEach((t, i) => {
      const tp = p.child('requiredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...validateLabelSelector(t.labelSelector, tp.child('labelSelector')));
      if (str(t.topologyKey) === '') errs.push(required(tp.child('topologyKey'), 'can not be empty'));
      errs.push(...validateLabelName(str(t.topologyKey), tp.child('topologyKey')));
    });
    objs(a, 'preferredDuringSchedulingIgnoredDuringExecution').forEach((w, i) => {
      const wp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      const weight = num(w.weight) ?? 0;
      if (weight <= 0 || weight > 100) errs.push(invalid(wp.child('weight'), weight, 'must be in the range 1-100'));
      const t = asObj(w.podAffinityTerm) ?? {};
      const tp = wp.child('podAffinityTerm');
      errs.push(...validateLabelSelector(t.labelSelector, tp.child('labelSelector')));
      if (str(t.topologyKey) === '') errs.push(required(tp.child('topologyKey'), 'can not be empty'));
      errs.push(...validateLabelName(str(t.topologyKey), tp.child('topologyKey')));
    });
  }
  const na = asObj(affinity.nodeAffinity);
  const required_ = asObj(na?.requiredDuringSchedulingIgnoredDuringExecution);
  if (required_) {
    const tp = path.child('nodeAffinity').child('requiredDuringSchedulingIgnoredDuringExecution').child('nodeSelectorTerms');
    if (objs(required_, 'nodeSelectorTerms').length === 0) errs.push(required(tp, 'must have at least one node selector term'));
  }
  return errs;
}

/**
 * ValidatePodSpec: every rule of a pod's spec, for Pods and for pod
 * templates. `path` is the spec's path (`spec`, `spec.template.spec`).
 */
export function validatePodSpec(specIn: unknown, path: FieldPath, opts: PodValidationOptions = {}): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs: FieldError[] = [];
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    errs.push(required(path.child('terminationGracePeriodSeconds')));
  }
  const { names: volumes, errs: volErrs } = validateVolumes(objs(spec, 'volumes'), path.child('volumes'));
  errs.push(...volErrs);
  const containers = objs(spec, 'containers');
  errs.push(...validateContainers(containers, volumes, path.child('containers')));
  errs.push(...validateInitContainers(objs(spec, 'initContainers'), containers, volumes, path.child('initContainers')));
  if (spec.hostNetwork === true) {
    containers.forEach((c, i) => {
      objs(c, 'ports').forEach((port, j) => {
        const hp = num(port.hostPort) ?? 0;
        const cp = num(port.containerPort) ?? 0;
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
          errs.push(invalid(path.child('containers').index(i).child('ports').index(j).child('hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }
  const rp = str(spec.restartPolicy);
  if (rp === '') errs.push(required(path.child('restartPolicy')));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(notSupported(path.child('restartPolicy'), rp, ['Always', 'OnFailure', 'Never']));
  const dp = str(spec.dnsPolicy);
  if (dp === '') errs.push(required(path.child('dnsPolicy')));
  else if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dp)) {
    errs.push(notSupported(path.child('dnsPolicy'), dp, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  const psc = asObj(spec.securityContext);
  if (psc) {
    for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
      const v = num(psc[f]);
      if (v !== undefined && (v < 0 || v > 0xffffffff)) errs.push(invalid(path.child('securityContext').child(f), v, inclusiveRangeError(0, 4294967295)));
    }
  }
  objs(spec, 'imagePullSecrets').forEach((s, i) => {
    if (Object.keys(s).some((k) => k !== 'name')) errs.push(invalid(path.child('imagePullSecrets').index(i), s, 'only name may be set'));
  });
  errs.push(...validateAffinityTerms(spec, path.child('affinity')));
  errs.push(...validatePodDNSConfig(spec, path.child('dnsConfig')));
  objs(spec, 'readinessGates').forEach((g, i) => errs.push(...validateQualifiedName(str(g.conditionType), path.child('readinessGates').index(i).child('conditionType'))));
  const gates = new Set<string>();
  objs(spec, 'schedulingGates').forEach((g, i) => {
    const name = str(g.name);
    errs.push(...validateQualifiedName(name, path.child('schedulingGates').index(i)));
    if (gates.has(name)) errs.push(duplicate(path.child('schedulingGates').index(i), name));
    gates.add(name);
  });
  objs(spec, 'topologySpreadConstraints').forEach((t, i) => {
    const tp = path.child('topologySpreadConstraints').index(i);
    const skew = num(t.maxSkew) ?? 0;
    if (skew <= 0) errs.push(invalid(tp.child('maxSkew'), skew, 'must be greater than zero'));
    if (str(t.topologyKey) === '') errs.push(required(tp.child('topologyKey'), 'can not be empty'));
    const wu = str(t.whenUnsatisfiable);
    if (wu !== 'DoNotSchedule' && wu !== 'ScheduleAnyway') errs.push(notSupported(tp.child('whenUnsatisfiable'), wu, ['DoNotSchedule', 'ScheduleAnyway']));
    errs.push(...validateLabelSelector(t.labelSelector, tp.child('labelSelector')));
  });
  const sa = str(spec.serviceAccountName);
  if (sa !== '') for (const m of nameIsDNSSubdomain(sa, false)) errs.push(invalid(path.child('serviceAccountName'), sa, m));
  const node = str(spec.nodeName);
  if (node !== '') for (const m of nameIsDNSSubdomain(node, false)) errs.push(invalid(path.child('nodeName'), node, m));
  const ads = num(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > maxInt32)) errs.push(invalid(path.child('activeDeadlineSeconds'), ads, inclusiveRangeError(1, maxInt32)));
  if (str(spec.hostname) !== '') errs.push(...validateDNS1123Label(str(spec.hostname), path.child('hostname')));
  if (str(spec.subdomain) !== '') errs.push(...validateDNS1123Label(str(spec.subdomain), path.child('subdomain')));
  errs.push(...validateTolerations(objs(spec, 'tolerations'), path.child('tolerations')));
  objs(spec, 'hostAliases').forEach((h, i) => {
    const ip = str(h.ip);
    if (!isIP(ip)) errs.push(invalid(path.child('hostAliases').index(i).child('ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    (asArr(h.hostnames) ?? []).forEach((n, j) => errs.push(...validateDNS1123Subdomain(str(n), path.child('hostAliases').index(i).child('hostnames').index(j))));
  });
  const pcn = str(spec.priorityClassName);
  if (pcn !== '') for (const m of nameIsDNSSubdomain(pcn, false)) errs.push(invalid(path.child('priorityClassName'), pcn, m));
  if (typeof spec.runtimeClassName === 'string') {
    for (const m of nameIsDNSSubdomain(spec.runtimeClassName, false)) errs.push(invalid(path.child('runtimeClassName'), spec.runtimeClassName, m));
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null) {
    const pp = str(spec.preemptionPolicy);
    if (pp === '') errs.push(required(path.child('preemptionPolicy')));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(notSupported(path.child('preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']));
  }
  const os = asObj(spec.os);
  if (os) {
    const name = str(os.name);
    if (name === '') errs.push(required(path.child('os').child('name'), 'cannot be empty'));
    else if (name !== 'linux' && name !== 'windows') errs.push(notSupported(path.child('os'), name, ['linux', 'windows']));
  }
  return errs;
}

/** ValidatePodTemplateSpec: template labels and annotations, then the pod spec. */
export function validatePodTemplateSpec(templateIn: unknown, path: FieldPath, opts: PodValidationOptions = {}): FieldError[] {
  const template = asObj(templateIn) ?? {};
  const meta = asObj(template.metadata) ?? {};
  const errs = [...validateLabels(meta.labels, path.child('labels')), ...validateAnnotations(meta.annotations, path.child('annotations'))];
  errs.push(...validatePodSpec(template.spec, path.child('spec'), opts));
  if ((asArr(asObj(template.spec)?.ephemeralContainers) ?? []).length > 0) {
    errs.push(forbidden(path.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

/** Pod-only container rule: no leading or trailing whitespace in images. */
export function validateContainersOnlyForPod(containers: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, i) => {
    const image = str(c.image);
    if (image !== image.trim()) errs.push(invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  });
  return errs;
}
