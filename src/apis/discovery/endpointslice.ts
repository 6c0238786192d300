/**
 * discovery.k8s.io/v1 EndpointSlice (pkg/apis/discovery/validation,
 * pkg/apis/discovery/v1/defaults.go, pkg/registry/discovery/endpointslice):
 * addresses per address type, ports (name "" and protocol TCP by default),
 * hints and node names; addressType never changes; every change outside
 * metadata bumps the generation.
 */
import type { KubeObject } from '../../runtime/object.js';
import { duplicate, FieldError, FieldPath, notSupported, required, tooMany } from '../../validation/field/errors.js';
import { isValidIPv4Address, isValidIPv6Address, validateEndpointIP } from '../../validation/ip.js';
import { asObj, objs, str } from '../../validation/json.js';
import { isValidLabelValue, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateImmutableField, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { invalid } from '../../validation/field/errors.js';
import { isFullyQualifiedDomainName, isSet, stringList } from '../common/validators.js';
import { validateDNS1123Label, validateQualifiedName } from '../core/fields.js';

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const maxTopologyLabels = 16;
const maxAddresses = 100;
const maxPorts = 20000;
const maxEndpoints = 1000;
const maxZoneHints = 8;

/** SetDefaults_EndpointPort, and the lists Go always writes. */
export function defaultEndpointSlice(obj: KubeObject): void {
  const o = asRecord(obj);
  if (o.endpoints === undefined) o.endpoints = null;
  if (o.ports === undefined) o.ports = null;
  for (const p of objs(o, 'ports')) {
    if (!isSet(p.name)) p.name = '';
    if (!isSet(p.protocol)) p.protocol = 'TCP';
  }
}

function validateEndpoints(obj: KubeObject, path: FieldPath): FieldError[] {
  const endpoints = objs(asRecord(obj), 'endpoints');
  if (endpoints.length > maxEndpoints) return [tooMany(path, endpoints.length, maxEndpoints)];
  const type = str(obj.addressType);
  const errs: FieldError[] = [];
  endpoints.forEach((ep, i) => {
    const ip = path.index(i);
    const ap = ip.child('addresses');
    const addresses = stringList(ep.addresses);
    if (addresses.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
    else if (addresses.length > maxAddresses) errs.push(tooMany(ap, addresses.length, maxAddresses));
    addresses.forEach((a, j) => {
      const p = ap.index(j);
      if (type === 'IPv4') errs.push(...isValidIPv4Address(p, a), ...validateEndpointIP(a, p));
      else if (type === 'IPv6') errs.push(...isValidIPv6Address(p, a), ...validateEndpointIP(a, p));
      else if (type === 'FQDN') errs.push(...isFullyQualifiedDomainName(p, a));
    });
    if (typeof ep.nodeName === 'string') for (const m of nameIsDNSSubdomain(ep.nodeName, false)) errs.push(invalid(ip.child('nodeName'), ep.nodeName, m));
    const topology = asObj(ep.deprecatedTopology) ?? {};
    const tp = ip.child('deprecatedTopology');
    if (Object.keys(topology).length > maxTopologyLabels) errs.push(tooMany(tp, Object.keys(topology).length, maxTopologyLabels));
    errs.push(...validateLabels(topology, tp));
    if (typeof ep.hostname === 'string') errs.push(...validateDNS1123Label(ep.hostname, ip.child('hostname')));
    const hints = asObj(ep.hints);
    if (hints) {
      const zp = ip.child('hints', 'forZones');
      const zones = objs(hints, 'forZones');
      if (zones.length > maxZoneHints) {
        errs.push(tooMany(zp, zones.length, maxZoneHints));
      } else {
        const seen = new Set<string>();
        zones.forEach((z, k) => {
          const np = zp.index(k).child('name');
          const name = str(z.name);
          if (seen.has(name)) errs.push(duplicate(np, name));
          seen.add(name);
          for (const m of isValidLabelValue(name)) errs.push(invalid(np, name, m));
        });
      }
    }
  });
  return errs;
}

function validatePorts(obj: KubeObject, path: FieldPath): FieldError[] {
  const ports = objs(asRecord(obj), 'ports');
  if (ports.length > maxPorts) return [tooMany(path, ports.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = path.index(i);
    const name = str(p.name);
    if (name !== '') errs.push(...validateDNS1123Label(name, pp.child('name')));
    if (names.has(name)) errs.push(duplicate(pp.child('name'), name));
    names.add(name);
    if (!isSet(p.protocol)) errs.push(required(pp.child('protocol')));
    else if (!protocols.includes(str(p.protocol))) errs.push(notSupported(pp.child('protocol'), str(p.protocol), protocols));
    if (typeof p.appProtocol === 'string') errs.push(...validateQualifiedName(p.appProtocol, pp.child('appProtocol')));
  });
  return errs;
}

/** ValidateEndpointSlice. */
export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  const type = str(obj.addressType);
  if (type === '') errs.push(required(FieldPath.of('addressType')));
  else if (!addressTypes.includes(type)) errs.push(notSupported(FieldPath.of('addressType'), type, addressTypes));
  errs.push(...validateEndpoints(obj, FieldPath.of('endpoints')));
  errs.push(...validatePorts(obj, FieldPath.of('ports')));
  return errs;
}

/** The EndpointSlice strategy. */
export const endpointSliceStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: true,
  generationSource(obj) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') out[k] = v;
    return out;
  },
  defaults: defaultEndpointSlice,
  validate: (_ctx, obj) => validateEndpointSlice(obj),
  validateUpdate: (_ctx, obj, old) => [
    ...validateEndpointSlice(obj),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateImmutableField(str(obj.addressType), str(old.addressType), FieldPath.of('addressType')),
  ],
});
