/**
 * apiregistration.k8s.io/v1 APIService objects (kube-aggregator's
 * pkg/apis/apiregistration/validation and v1 defaults): the service port
 * defaults to 443; the name must be `<version>.<group>`; the priorities are
 * bounded; a local APIService (no service) may carry neither a CA bundle nor
 * insecureSkipTLSVerify. Aggregation itself (proxying) is not served here.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, invalid, notSupported, required } from '../../validation/field/errors.js';
import { asObj, num, objs, str } from '../../validation/json.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName, isValidPortNum } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';

/** SetDefaults_ServiceReference: port 443. */
export function defaultAPIService(obj: KubeObject): void {
  const service = asObj(asObj(asRecord(obj).spec)?.service);
  if (service && (service.port === undefined || service.port === null)) service.port = 443;
}

/** Length of a base64 caBundle in bytes, as the Go []byte holds it. */
function bundleBytes(v: unknown): number {
  return typeof v === 'string' && v !== '' ? Buffer.from(v, 'base64').length : 0;
}

/** ValidateAPIService. */
export function validateAPIService(obj: KubeObject): FieldError[] {
  const spec = asObj(asRecord(obj).spec) ?? {};
  const group = str(spec.group);
  const version = str(spec.version);
  const requiredName = `${version}.${group}`;
  const errs = validateObjectMeta(
    obj.metadata,
    false,
    (name) => {
      const minimal = isValidPathSegmentName(name);
      if (minimal.length > 0) return minimal;
      return name === requiredName ? [] : [`must be \`spec.version+"."+spec.group\`: ${JSON.stringify(requiredName)}`];
    },
    FieldPath.of('metadata'),
    { kubeFinalizers: false },
  );
  const sp = FieldPath.of('spec');
  if (group === '' && version !== 'v1') errs.push(required(sp.child('group'), 'only v1 may have an empty group and it better be legacy kube'));
  if (group !== '') for (const m of isDNS1123Subdomain(group)) errs.push(invalid(sp.child('group'), group, m));
  for (const m of isDNS1035Label(version)) errs.push(invalid(sp.child('version'), version, m));
  const gpm = num(spec.groupPriorityMinimum) ?? 0;
  if (gpm <= 0 || gpm > 20000) errs.push(invalid(sp.child('groupPriorityMinimum'), gpm, 'must be positive and less than 20000'));
  const vp = num(spec.versionPriority) ?? 0;
  if (vp <= 0 || vp > 1000) errs.push(invalid(sp.child('versionPriority'), vp, 'must be positive and less than 1000'));
  const skip = spec.insecureSkipTLSVerify === true;
  const caBytes = bundleBytes(spec.caBundle);
  const service = asObj(spec.service);
  if (!service) {
    if (caBytes !== 0) errs.push(invalid(sp.child('caBundle'), `${caBytes} bytes`, 'local APIServices may not have a caBundle'));
    if (skip) errs.push(invalid(sp.child('insecureSkipTLSVerify'), skip, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  if (str(service.namespace) === '') errs.push(required(sp.child('service', 'namespace')));
  if (str(service.name) === '') errs.push(required(sp.child('service', 'name')));
  const port = num(service.port) ?? 0;
  const portErrs = isValidPortNum(port);
  if (portErrs.length > 0) errs.push(invalid(sp.child('service', 'port'), port, `port is not valid: ${portErrs.join(', ')}`));
  if (skip && caBytes > 0) errs.push(invalid(sp.child('insecureSkipTLSVerify'), skip, 'may not be true if caBundle is present'));
  return errs;
}

/** ValidateAPIServiceStatus: condition statuses are True, False or Unknown. */
function validateAPIServiceStatus(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  objs(asObj(asRecord(obj).status), 'conditions').forEach((c, i) => {
    const s = str(c.status);
    if (s !== 'True' && s !== 'False' && s !== 'Unknown') errs.push(notSupported(FieldPath.of('status', 'conditions').index(i).child('status'), s, ['True', 'False', 'Unknown']));
  });
  return errs;
}

/** The APIService strategy. Local APIServices (no service) are Available from the start. */
export const apiServiceStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: false,
  allowUnconditionalUpdate: false,
  defaults: defaultAPIService,
  prepareForCreate(_ctx, obj) {
    const o = asRecord(obj);
    o.status = {};
    if (!asObj(asObj(o.spec)?.service)) {
      const lastTransitionTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      o.status = { conditions: [{ type: 'Available', status: 'True', lastTransitionTime, reason: 'Local', message: 'Local APIServices are always available' }] };
    }
  },
  validate: (_ctx, obj) => validateAPIService(obj),
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), { kubeFinalizers: false }), ...validateAPIService(obj)],
  validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), { kubeFinalizers: false }), ...validateAPIServiceStatus(obj)],
});
