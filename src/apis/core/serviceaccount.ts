/**
 * core/v1 ServiceAccount and Endpoints: name rules, and the endpoint subsets
 * (addresses, ports) of ValidateEndpoints.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, invalid, notSupported, required } from '../../validation/field/errors.js';
import { objs, num, str, type Obj } from '../../validation/json.js';
import { isIP, isValidPortNum, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { buildStrategy } from '../common/strategy.js';
import { validateDNS1123Label, validateQualifiedName } from './fields.js';

/** The ServiceAccount strategy. */
export const serviceAccountStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  validate: (_ctx, obj) => validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain),
  validateUpdate: (_ctx, obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain),
  ],
});

const ipMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

function validateNonSpecialIP(ip: string, path: FieldPath): FieldError[] {
  if (!isIP(ip)) return [invalid(path, ip, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  if (ip === '0.0.0.0' || ip === '::') errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if (ip.startsWith('127.') || ip === '::1') errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (ip.startsWith('169.254.') || /^fe[89ab]/i.test(ip)) errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (ip.startsWith('224.0.0.') || /^ff02:/i.test(ip)) errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

function validateAddress(a: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ip = str(a.ip);
  if (!isIP(ip)) errs.push(invalid(path.child('ip'), ip, ipMessage));
  if (str(a.hostname) !== '') errs.push(...validateDNS1123Label(str(a.hostname), path.child('hostname')));
  if (typeof a.nodeName === 'string') for (const m of nameIsDNSSubdomain(a.nodeName, false)) errs.push(invalid(path.child('nodeName'), a.nodeName, m));
  errs.push(...validateNonSpecialIP(ip, path.child('ip')));
  return errs;
}

/** ValidateEndpoints. */
export function validateEndpoints(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  objs(obj as Obj, 'subsets').forEach((ss, i) => {
    const p = FieldPath.of('subsets').index(i);
    const addrs = objs(ss, 'addresses');
    const notReady = objs(ss, 'notReadyAddresses');
    if (addrs.length === 0 && notReady.length === 0) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    addrs.forEach((a, j) => errs.push(...validateAddress(a, p.child('addresses').index(j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, p.child('notReadyAddresses').index(j))));
    const ports = objs(ss, 'ports');
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      const name = str(port.name);
      if (ports.length > 1 && name === '') errs.push(required(pp.child('name')));
      else if (name !== '') errs.push(...validateDNS1123Label(name, pp.child('name')));
      const n = num(port.port) ?? 0;
      for (const m of isValidPortNum(n)) errs.push(invalid(pp.child('port'), n, m));
      const proto = str(port.protocol);
      if (proto === '') errs.push(required(pp.child('protocol')));
      else if (!['SCTP', 'TCP', 'UDP'].includes(proto)) errs.push(notSupported(pp.child('protocol'), proto, ['SCTP', 'TCP', 'UDP']));
      if (typeof port.appProtocol === 'string') errs.push(...validateQualifiedName(port.appProtocol, pp.child('appProtocol')));
    });
  });
  return errs;
}

/** The Endpoints strategy. */
export const endpointsStrategy = buildStrategy({
  allowCreateOnUpdate: true,
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  defaults(obj) {
    for (const ss of objs(obj as Obj, 'subsets')) for (const p of objs(ss, 'ports')) if (!p.protocol) p.protocol = 'TCP';
  },
  validate: (_ctx, obj) => validateEndpoints(obj),
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateEndpoints(obj)],
});
