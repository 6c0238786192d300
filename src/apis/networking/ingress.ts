/**
 * networking.k8s.io/v1 Ingress and IngressClass
 * (pkg/apis/networking/validation, pkg/registry/networking/ingress{,class}):
 * rules, paths and path types, backends, TLS hosts, the ingress.class
 * annotation against ingressClassName, class parameters. The default
 * IngressClass is admission's business and is not applied here.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required, tooLong } from '../../validation/field/errors.js';
import { parseIPSloppy } from '../../validation/ip.js';
import { asArr, asObj, ensureObj, num, objs, str, type Obj } from '../../validation/json.js';
import {
  byteLength,
  DNS1123SubdomainMaxLength,
  isDNS1123Subdomain,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  maxLenError,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
} from '../../validation/names.js';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { isSet } from '../common/validators.js';

const annotationIngressClass = 'kubernetes.io/ingress.class';
const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const wildcardFmt = `\\*\\.${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const wildcardRe = new RegExp(`^${wildcardFmt}$`);

/** validation.IsWildcardDNS1123Subdomain (`*.example.com`). */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123SubdomainMaxLength) errs.push(maxLenError(DNS1123SubdomainMaxLength));
  if (!wildcardRe.test(value)) {
    errs.push(
      regexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        wildcardFmt,
        '*.example.com',
      ),
    );
  }
  return errs;
}

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${httpPathFmt}$`);

/** validation.IsDomainPrefixedPath (`example.com/controller`). */
export function isDomainPrefixedPath(path: FieldPath, value: string): FieldError[] {
  if (value.length === 0) return [required(path)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
  if (!httpPathRe.test(rest)) errs.push(invalid(path, rest, regexError('Invalid path', httpPathFmt)));
  return errs;
}

function validateHost(host: string, path: FieldPath): { errs: FieldError[]; wildcard: boolean } {
  const errs: FieldError[] = [];
  if (parseIPSloppy(host)) errs.push(invalid(path, host, 'must be a DNS name, not an IP address'));
  if (host.includes('*')) {
    for (const m of isWildcardDNS1123Subdomain(host)) errs.push(invalid(path, host, m));
    return { errs, wildcard: true };
  }
  for (const m of isDNS1123Subdomain(host)) errs.push(invalid(path, host, m));
  return { errs, wildcard: false };
}

/** A TypedLocalObjectReference (resource backends, class parameters). */
function validateTypedLocalObjectReference(ref: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof ref.apiGroup === 'string') for (const m of isDNS1123Subdomain(ref.apiGroup)) errs.push(invalid(path.child('apiGroup'), ref.apiGroup, m));
  for (const k of ['kind', 'name']) {
    const v = str(ref[k]);
    if (v === '') errs.push(required(path.child(k)));
    else for (const m of isValidPathSegmentName(v)) errs.push(invalid(path.child(k), v, m));
  }
  return errs;
}

/** validateIngressBackend. */
function validateBackend(backendIn: unknown, path: FieldPath): FieldError[] {
  const backend = asObj(backendIn) ?? {};
  const resource = asObj(backend.resource);
  const service = asObj(backend.service);
  if (resource && service) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (resource) return validateTypedLocalObjectReference(resource, path.child('resource'));
  if (!service) return [invalid(path, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = str(service.name);
  if (name === '') errs.push(required(path.child('service', 'name')));
  else for (const m of nameIsDNS1035Label(name, false)) errs.push(invalid(path.child('service', 'name'), name, m));
  const port = asObj(service.port) ?? {};
  const portName = str(port.name);
  const portNumber = num(port.number) ?? 0;
  if (portName !== '' && portNumber !== 0) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (portName !== '') for (const m of isValidPortName(portName)) errs.push(invalid(path.child('service', 'port', 'name'), portName, m));
  else if (portNumber !== 0) for (const m of isValidPortNum(portNumber)) errs.push(invalid(path.child('service', 'port', 'number'), portNumber, m));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validateHTTPPath(p: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(p.pathType)) return [required(path.child('pathType'), 'pathType must be specified')];
  const pathType = str(p.pathType);
  const value = str(p.path);
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(invalid(path.child('path'), value, 'must be an absolute path'));
    if (value.length > 0) {
      for (const seq of invalidPathSequences) if (value.includes(seq)) errs.push(invalid(path.child('path'), value, `must not contain '${seq}'`));
      for (const suf of invalidPathSuffixes) if (value.endsWith(suf)) errs.push(invalid(path.child('path'), value, `cannot end with '${suf}'`));
    }
  } else if (pathType === 'ImplementationSpecific') {
    if (value.length > 0 && !value.startsWith('/')) errs.push(invalid(path.child('path'), value, 'must be an absolute path'));
  } else {
    errs.push(notSupported(path.child('pathType'), pathType, pathTypes));
  }
  errs.push(...validateBackend(p.backend, path.child('backend')));
  return errs;
}

/** ValidateIngressSpec. */
export function validateIngressSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs: FieldError[] = [];
  const rules = objs(spec, 'rules');
  if (rules.length === 0 && !isSet(spec.defaultBackend)) {
    const shown = new RawValue(Array.isArray(spec.rules) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)');
    errs.push(invalid(path, shown, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isSet(spec.defaultBackend)) errs.push(...validateBackend(spec.defaultBackend, path.child('defaultBackend')));
  rules.forEach((rule, i) => {
    const rp = path.child('rules').index(i);
    const host = str(rule.host);
    if (host !== '') errs.push(...validateHost(host, rp.child('host')).errs);
    const http = asObj(rule.http);
    if (http) {
      const paths = objs(http, 'paths');
      if (paths.length === 0) errs.push(required(rp.child('http', 'paths')));
      paths.forEach((p, j) => errs.push(...validateHTTPPath(p, rp.child('http', 'paths').index(j))));
    }
  });
  objs(spec, 'tls').forEach((tls, i) => {
    const tp = path.child('tls').index(i);
    (asArr(tls.hosts) ?? []).map(str).forEach((host, j) => {
      const hp = tp.child('hosts').index(j);
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const m of msgs) errs.push(invalid(hp, host, m));
    });
    const secretName = str(tls.secretName);
    if (secretName !== '') for (const m of nameIsDNSSubdomain(secretName, false)) errs.push(invalid(tp.child('secretName'), secretName, m));
  });
  if (typeof spec.ingressClassName === 'string') {
    for (const m of nameIsDNSSubdomain(spec.ingressClassName, false)) errs.push(invalid(path.child('ingressClassName'), spec.ingressClassName, m));
  }
  return errs;
}

function validateIngress(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateIngressSpec(obj.spec, FieldPath.of('spec'))];
}

function validateIngressStatus(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.of('status', 'loadBalancer', 'ingress');
  objs(asObj(asObj(obj.status)?.loadBalancer), 'ingress').forEach((ing, i) => {
    const ip = str(ing.ip);
    if (ip !== '' && !parseIPSloppy(ip)) errs.push(invalid(path.index(i).child('ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    const hostname = str(ing.hostname);
    if (hostname !== '') {
      for (const m of isDNS1123Subdomain(hostname)) errs.push(invalid(path.index(i).child('hostname'), hostname, m));
      if (parseIPSloppy(hostname)) errs.push(invalid(path.index(i).child('hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

/** The Ingress strategy. */
export const ingressStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  defaults(obj) {
    ensureObj(ensureObj(asRecord(obj), 'status'), 'loadBalancer');
  },
  prepareForCreate(_ctx, obj) {
    obj.status = { loadBalancer: {} };
  },
  validate(_ctx, obj) {
    const errs = validateIngress(obj);
    const annotations = asObj(obj.metadata?.annotations) ?? {};
    const className = asObj(obj.spec)?.ingressClassName;
    if (annotationIngressClass in annotations && typeof className === 'string' && str(annotations[annotationIngressClass]) !== className) {
      errs.push(invalid(FieldPath.of('annotations', annotationIngressClass), str(annotations[annotationIngressClass]), 'must match `ingressClassName` when both are specified'));
    }
    return errs;
  },
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateIngress(obj)],
  validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateIngressStatus(obj)],
});

const parameterScopes = ['Cluster', 'Namespace'];

function validateIngressClassSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs: FieldError[] = [];
  const controller = str(spec.controller);
  if (controller === '') errs.push(required(path.child('controller')));
  else {
    if (byteLength(controller) > 250) errs.push(tooLong(path.child('controller'), '', 250));
    errs.push(...isDomainPrefixedPath(path.child('controller'), controller));
  }
  const params = asObj(spec.parameters);
  if (!params) return errs;
  const pp = path.child('parameters');
  errs.push(...validateTypedLocalObjectReference(params, pp));
  if (!isSet(params.scope)) {
    errs.push(required(pp.child('scope')));
    return errs;
  }
  const scope = str(params.scope);
  if (!parameterScopes.includes(scope)) errs.push(notSupported(pp.child('scope'), scope, parameterScopes));
  else if (scope === 'Namespace') {
    if (!isSet(params.namespace)) errs.push(required(pp.child('namespace'), "`parameters.scope` is set to 'Namespace'"));
    else for (const m of nameIsDNSLabel(str(params.namespace), false)) errs.push(invalid(pp.child('namespace'), str(params.namespace), m));
  } else if (isSet(params.namespace)) {
    errs.push(forbidden(pp.child('namespace'), "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

function validateIngressClass(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain), ...validateIngressClassSpec(obj.spec, FieldPath.of('spec'))];
}

/** The IngressClass strategy. */
export const ingressClassStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: true,
  defaults(obj) {
    const params = asObj(asObj(obj.spec)?.parameters);
    if (params && !isSet(params.scope)) params.scope = 'Cluster';
  },
  validate: (_ctx, obj) => validateIngressClass(obj),
  validateUpdate: (_ctx, obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateImmutableField(str(asObj(obj.spec)?.controller), str(asObj(old.spec)?.controller), FieldPath.of('spec', 'controller')),
    ...validateIngressClass(obj),
  ],
});
