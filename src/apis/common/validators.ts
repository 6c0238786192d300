/**
 * Field validators shared by several API groups, with Kubernetes' message
 * texts: fully qualified names, webhook client configs, metav1.Condition
 * lists, and small numeric and list rules.
 */
import { FieldError, FieldPath, invalid, notSupported, required, tooLong, duplicate } from '../../validation/field/errors.js';
import { asArr, asObj, num, str, type Obj } from '../../validation/json.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum, regexError } from '../../validation/names.js';
import { validateLabelName } from '../../validation/objectmeta.js';

/** validation.IsFullyQualifiedName: a DNS subdomain with at least three segments (webhook names). */
export function isFullyQualifiedName(path: FieldPath, name: string): FieldError[] {
  if (name.length === 0) return [required(path)];
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) return [invalid(path, name, errs.join(','))];
  if (name.split('.').length < 3) return [invalid(path, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

/** validation.IsFullyQualifiedDomainName: a DNS name with at least two segments (a trailing dot is allowed). */
export function isFullyQualifiedDomainName(path: FieldPath, nameIn: string): FieldError[] {
  if (nameIn.length === 0) return [required(path)];
  const name = nameIn.endsWith('.') ? nameIn.slice(0, -1) : nameIn;
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) return [invalid(path, name, errs.join(','))];
  if (name.split('.').length < 2) return [invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of name.split('.')) {
    const le = isDNS1123Label(label);
    if (le.length > 0) return [invalid(path, label, le.join(','))];
  }
  return [];
}

const urlForm = '; desired format: https://host[/path]';

/** webhook.ValidateWebhookURL (https only). */
export function validateWebhookURL(path: FieldPath, raw: string): FieldError[] {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // Go's url.Parse accepts relative references; they fail on scheme and host.
    const errs = [invalid(path, '', `'https' is the only allowed URL scheme${urlForm}`), invalid(path, '', `host must be specified${urlForm}`)];
    return errs;
  }
  const errs: FieldError[] = [];
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'https') errs.push(invalid(path, scheme, `'https' is the only allowed URL scheme${urlForm}`));
  if (u.host === '') errs.push(invalid(path, u.host, `host must be specified${urlForm}`));
  if (u.username !== '' || u.password !== '') {
    errs.push(invalid(path, u.password !== '' ? `${u.username}:${u.password}` : u.username, 'user information is not permitted in the URL'));
  }
  if (u.hash.length > 1) errs.push(invalid(path, u.hash.slice(1), 'fragments are not permitted in the URL'));
  if (u.search.length > 1) errs.push(invalid(path, u.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

/** webhook.ValidateWebhookService: name, namespace, port and an optional path of DNS-subdomain segments. */
export function validateWebhookService(path: FieldPath, svc: Obj, checkPort: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (str(svc.name) === '') errs.push(required(path.child('name'), 'service name is required'));
  if (str(svc.namespace) === '') errs.push(required(path.child('namespace'), 'service namespace is required'));
  if (checkPort) {
    const port = num(svc.port) ?? 0;
    const pe = isValidPortNum(port);
    if (pe.length > 0) errs.push(invalid(path.child('port'), port, `port is not valid: ${pe.join(', ')}`));
  }
  if (typeof svc.path !== 'string') return errs;
  const urlPath = svc.path;
  if (urlPath === '/' || urlPath.length === 0) return errs;
  if (urlPath === '//') return [...errs, invalid(path.child('path'), urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) errs.push(invalid(path.child('path'), urlPath, "must start with a '/'"));
  let rest = urlPath.slice(1);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  rest.split('/').forEach((step, i) => {
    if (step.length === 0) {
      errs.push(invalid(path.child('path'), urlPath, `segment[${i}] may not be empty`));
      return;
    }
    for (const m of isDNS1123Subdomain(step)) errs.push(invalid(path.child('path'), urlPath, `segment[${i}]: ${m}`));
  });
  return errs;
}

/** A webhook clientConfig: exactly one of url and service. */
export function validateClientConfig(path: FieldPath, ccIn: unknown, checkPort = true): FieldError[] {
  const cc = asObj(ccIn) ?? {};
  const hasURL = typeof cc.url === 'string';
  const svc = asObj(cc.service);
  if (hasURL === (svc !== undefined)) return [required(path, 'exactly one of url or service is required')];
  if (hasURL) return validateWebhookURL(path.child('url'), str(cc.url));
  return validateWebhookService(path.child('service'), svc ?? {}, checkPort);
}

const conditionReasonFmt = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const conditionReasonRe = new RegExp(`^${conditionReasonFmt}$`);
const conditionStatuses = ['False', 'True', 'Unknown'];

/** metav1 ValidateConditions: unique types, qualified type names, status, reason, lastTransitionTime. */
export function validateConditions(conditionsIn: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (asArr(conditionsIn) ?? []).forEach((c, i) => {
    const cond = asObj(c) ?? {};
    const p = path.index(i);
    const type = str(cond.type);
    if (seen.has(type)) errs.push(duplicate(p.child('type'), type));
    seen.add(type);
    errs.push(...validateLabelName(type, p.child('type')));
    if (!conditionStatuses.includes(str(cond.status))) errs.push(notSupported(p.child('status'), str(cond.status), conditionStatuses));
    const og = num(cond.observedGeneration);
    if (og !== undefined && og < 0) errs.push(invalid(p.child('observedGeneration'), og, 'must be greater than or equal to zero'));
    if (!str(cond.lastTransitionTime)) errs.push(required(p.child('lastTransitionTime'), 'must be set'));
    const reason = str(cond.reason);
    if (reason === '') errs.push(required(p.child('reason'), 'must be set'));
    else {
      if (!conditionReasonRe.test(reason)) {
        errs.push(
          invalid(
            p.child('reason'),
            reason,
            regexError(
              "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'",
              conditionReasonFmt,
              'my_name',
              'MY_NAME',
              'MyName',
              'ReasonA,ReasonB',
              'ReasonA:ReasonB',
            ),
          ),
        );
      }
      if (reason.length > 1024) errs.push(tooLong(p.child('reason'), reason, 1024));
    }
    if (str(cond.message).length > 32 * 1024) errs.push(tooLong(p.child('message'), '', 32 * 1024));
  });
  return errs;
}

/** `field` when it is a non-empty list of strings. */
export function stringList(v: unknown): string[] {
  return (asArr(v) ?? []).map(str);
}

/** True when the list holds `*`. */
export function hasWildcard(list: string[]): boolean {
  return list.includes('*');
}

/** A value that is set (not undefined or null). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}
