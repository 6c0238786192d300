/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition: defaults
 * (singular and listKind from kind, conversion strategy None, webhook port
 * 443), the shape rules of apiextensions validation (group, names, scope,
 * versions with exactly one storage version, a structural schema per
 * version, printer columns, scale paths, conversion) and the status the
 * server owns: storedVersions always include the storage version, and,
 * since kapi accepts names at once (no naming controller), acceptedNames
 * and the NamesAccepted/Established conditions are set on write.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required } from '../../validation/field/errors.js';
import { goStringSlice } from '../../validation/gofmt.js';
import { asArr, asObj, clone, ensureObj, objs, str, type Obj } from '../../validation/json.js';
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain, type NameValidator } from '../../validation/names.js';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { isSet, stringList, validateClientConfig } from '../common/validators.js';
import { nowRFC3339 } from '../core/storage.js';

const metaOpts = { kubeFinalizers: false };
const printerColumnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const printerColumnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const conversionReviewVersions = ['v1', 'v1beta1'];

function specOf(obj: KubeObject): Obj {
  return asObj(obj.spec) ?? {};
}

function storageVersion(obj: KubeObject): string | undefined {
  const v = objs(specOf(obj), 'versions').find((x) => x.storage === true);
  return v ? str(v.name) : undefined;
}

/** SetDefaults_CustomResourceDefinition. */
export function defaultCRD(obj: KubeObject): void {
  const o = asRecord(obj);
  const spec = ensureObj(o, 'spec');
  const names = ensureObj(spec, 'names');
  if (str(names.singular) === '') names.singular = str(names.kind).toLowerCase();
  if (str(names.listKind) === '' && str(names.kind) !== '') names.listKind = `${str(names.kind)}List`;
  if (!isSet(spec.conversion)) spec.conversion = { strategy: 'None' };
  const svc = asObj(asObj(asObj(spec.conversion)?.webhook)?.clientConfig)?.service;
  const service = asObj(svc);
  if (service && !isSet(service.port)) service.port = 443;
  const status = ensureObj(o, 'status');
  const stored = stringList(status.storedVersions);
  const sv = storageVersion(obj);
  if (stored.length === 0 && sv !== undefined) status.storedVersions = [sv];
}

function dnsLabelErrors(value: string, path: FieldPath, mixedCase: boolean): FieldError[] {
  if (value === '') return [];
  const errs = isDNS1035Label(mixedCase ? value.toLowerCase() : value);
  if (errs.length === 0) return [];
  return [invalid(path, value, mixedCase ? `may have mixed case, but should otherwise match: ${errs.join(',')}` : errs.join(','))];
}

/** ValidateCustomResourceDefinitionNames. */
function validateNames(namesIn: unknown, path: FieldPath): FieldError[] {
  const names = asObj(namesIn) ?? {};
  const errs = [
    ...dnsLabelErrors(str(names.plural), path.child('plural'), false),
    ...dnsLabelErrors(str(names.singular), path.child('singular'), false),
    ...dnsLabelErrors(str(names.kind), path.child('kind'), true),
    ...dnsLabelErrors(str(names.listKind), path.child('listKind'), true),
  ];
  const listErrors = (v: string, p: FieldPath): FieldError[] => {
    const e = isDNS1035Label(v);
    return e.length > 0 ? [invalid(p, v, e.join(','))] : [];
  };
  stringList(names.shortNames).forEach((s, i) => errs.push(...listErrors(s, path.child('shortNames').index(i))));
  if (str(names.kind) !== '' && str(names.kind) === str(names.listKind)) errs.push(invalid(path.child('listKind'), str(names.listKind), 'kind and listKind may not be the same'));
  stringList(names.categories).forEach((c, i) => errs.push(...listErrors(c, path.child('categories').index(i))));
  return errs;
}

/** The structural-schema rules kapi checks: types are present (root `object`, fields, items). */
function validateStructural(schemaIn: unknown, path: FieldPath, root: boolean): FieldError[] {
  const s = asObj(schemaIn);
  if (!s) return [];
  const errs: FieldError[] = [];
  const type = str(s.type);
  if (root) {
    if (type === '') errs.push(required(path.child('type'), 'must not be empty at the root'));
    else if (type !== 'object') errs.push(invalid(path.child('type'), type, 'must be object at the root'));
  }
  if (type === 'null') errs.push(forbidden(path.child('type'), 'type cannot be set to null'));
  for (const [name, prop] of Object.entries(asObj(s.properties) ?? {})) {
    const p = asObj(prop) ?? {};
    const pp = path.child('properties').key(name);
    if (str(p.type) === '' && p['x-kubernetes-int-or-string'] !== true && p['x-kubernetes-preserve-unknown-fields'] !== true && !isSet(p.allOf) && !isSet(p.anyOf) && !isSet(p.oneOf)) {
      errs.push(required(pp.child('type'), 'must not be empty for specified object fields'));
    }
    errs.push(...validateStructural(p, pp, false));
  }
  if (isSet(s.items)) {
    if (Array.isArray(s.items)) errs.push(forbidden(path.child('items'), 'items must be a schema object and not an array'));
    else {
      const items = asObj(s.items) ?? {};
      if (str(items.type) === '' && items['x-kubernetes-int-or-string'] !== true && items['x-kubernetes-preserve-unknown-fields'] !== true) {
        errs.push(required(path.child('items', 'type'), 'must not be empty for specified array items'));
      }
      errs.push(...validateStructural(items, path.child('items'), false));
    }
  }
  if (type === 'array' && !isSet(s.items)) errs.push(required(path.child('items'), 'must be specified'));
  const ap = asObj(s.additionalProperties);
  if (ap) errs.push(...validateStructural(ap, path.child('additionalProperties'), false));
  if (s.uniqueItems === true) errs.push(forbidden(path.child('uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  for (const k of ['$ref', 'id', 'additionalItems', 'patternProperties', 'definitions', 'dependencies']) {
    if (isSet(s[k])) errs.push(forbidden(path.child(k), `${k} is not supported`));
  }
  return errs;
}

function validateSimpleJSONPath(value: string, path: FieldPath): FieldError[] {
  if (value.length === 0) return [invalid(path, value, 'must not be empty')];
  if (!value.startsWith('.')) return [invalid(path, value, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(subIn: unknown, path: FieldPath): FieldError[] {
  const scale = asObj(asObj(subIn)?.scale);
  if (!scale) return [];
  const errs: FieldError[] = [];
  for (const [k, prefix] of [
    ['specReplicasPath', '.spec.'],
    ['statusReplicasPath', '.status.'],
  ] as const) {
    const v = str(scale[k]);
    const p = path.child(`scale.${k}`);
    if (v === '') errs.push(required(p));
    else {
      const je = validateSimpleJSONPath(v, p);
      if (je.length > 0) errs.push(...je);
      else if (!v.startsWith(prefix)) errs.push(invalid(p, v, `should be a json path under ${prefix.slice(0, -1)}`));
    }
  }
  const ls = str(scale.labelSelectorPath);
  if (ls !== '') {
    const p = path.child('scale.labelSelectorPath');
    const je = validateSimpleJSONPath(ls, p);
    if (je.length > 0) errs.push(...je);
    else if (!ls.startsWith('.status.')) errs.push(invalid(p, ls, 'should be a json path under .status'));
  }
  return errs;
}

function validateColumn(col: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(col.name) === '') errs.push(required(path.child('name')));
  const type = str(col.type);
  if (type === '') errs.push(required(path.child('type'), `must be one of ${printerColumnTypes.join(',')}`));
  else if (!printerColumnTypes.includes(type)) errs.push(invalid(path.child('type'), type, `must be one of ${printerColumnTypes.join(',')}`));
  const format = str(col.format);
  if (format !== '' && !printerColumnFormats.includes(format)) errs.push(invalid(path.child('format'), format, `must be one of ${printerColumnFormats.join(',')}`));
  const jp = str(col.jsonPath);
  if (jp === '') errs.push(required(path.child('jsonPath')));
  return errs;
}

function validateConversion(convIn: unknown, path: FieldPath): FieldError[] {
  const conv = asObj(convIn);
  if (!conv) return [];
  const errs: FieldError[] = [];
  const strategy = str(conv.strategy);
  if (strategy === '') errs.push(required(path.child('strategy')));
  else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(notSupported(path.child('strategy'), strategy, ['None', 'Webhook']));
  const webhook = asObj(conv.webhook);
  if (strategy === 'Webhook') {
    if (!webhook) return [...errs, required(path.child('webhook'), 'required when strategy is set to Webhook')];
    if (!isSet(webhook.clientConfig)) errs.push(required(path.child('webhook', 'clientConfig'), 'required when strategy is set to Webhook'));
    else errs.push(...validateClientConfig(path.child('webhook', 'clientConfig'), webhook.clientConfig));
    const versions = stringList(webhook.conversionReviewVersions);
    if (versions.length === 0) errs.push(required(path.child('webhook', 'conversionReviewVersions'), `must specify one of ${conversionReviewVersions.join(', ')}`));
    else if (!versions.some((v) => conversionReviewVersions.includes(v))) {
      errs.push(invalid(path.child('webhook', 'conversionReviewVersions'), goStringSlice(versions), `must include at least one of ${conversionReviewVersions.join(', ')}`));
    }
  } else if (webhook) {
    errs.push(forbidden(path.child('webhook'), 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

function goVersions(versions: Obj[]): RawValue {
  return new RawValue(`[]apiextensions.CustomResourceDefinitionVersion{${versions.map((v) => `apiextensions.CustomResourceDefinitionVersion{Name:${JSON.stringify(str(v.name))}, Served:${v.served === true}, Storage:${v.storage === true}, ...}`).join(', ')}}`);
}

/** ValidateCustomResourceDefinitionSpec (v1: every version needs a schema). */
export function validateCRDSpec(specIn: unknown): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const path = FieldPath.of('spec');
  const errs: FieldError[] = [];
  const group = str(spec.group);
  if (group === '') errs.push(required(path.child('group')));
  else {
    const ge = isDNS1123Subdomain(group);
    if (ge.length > 0) errs.push(invalid(path.child('group'), group, ge.join(',')));
    else if (group.split('.').length < 2) errs.push(invalid(path.child('group'), group, 'should be a domain with at least one dot'));
  }
  const scope = str(spec.scope);
  if (scope === '') errs.push(required(path.child('scope')));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(notSupported(path.child('scope'), scope, ['Cluster', 'Namespaced']));
  const versions = objs(spec, 'versions');
  let storageCount = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const vp = path.child('versions').index(i);
    if (v.storage === true) storageCount++;
    const name = str(v.name);
    if (seen.has(name)) unique = false;
    seen.add(name);
    const ne = isDNS1035Label(name);
    if (ne.length > 0) errs.push(invalid(vp.child('name'), name, ne.join(',')));
    const schema = asObj(asObj(v.schema)?.openAPIV3Schema);
    if (!schema) errs.push(required(vp.child('schema', 'openAPIV3Schema'), 'schemas are required'));
    else errs.push(...validateStructural(schema, vp.child('schema', 'openAPIV3Schema'), true));
    errs.push(...validateSubresources(v.subresources, vp.child('subresources')));
    objs(v, 'additionalPrinterColumns').forEach((c, j) => errs.push(...validateColumn(c, vp.child('additionalPrinterColumns').index(j))));
    const fields = objs(v, 'selectableFields');
    if (fields.length > 8) errs.push(invalid(vp.child('selectableFields'), fields.length, 'must have at most 8 items'));
    fields.forEach((f, j) => {
      if (str(f.jsonPath) === '') errs.push(required(vp.child('selectableFields').index(j).child('jsonPath')));
    });
  });
  if (!unique) errs.push(invalid(path.child('versions'), goVersions(versions), 'must contain unique version names'));
  if (storageCount !== 1) errs.push(invalid(path.child('versions'), goVersions(versions), 'must have exactly one version marked as storage version'));
  const names = asObj(spec.names) ?? {};
  for (const k of ['plural', 'singular', 'kind', 'listKind']) if (str(names[k]) === '') errs.push(required(path.child('names', k)));
  errs.push(...validateNames(names, path.child('names')));
  errs.push(...validateConversion(spec.conversion, path.child('conversion')));
  return errs;
}

function validateStoredVersions(obj: KubeObject): FieldError[] {
  const path = FieldPath.of('status', 'storedVersions');
  const stored = stringList(asObj(obj.status)?.storedVersions);
  if (stored.length === 0) return [invalid(path, goStringSlice(asArr(asObj(obj.status)?.storedVersions) ?? null), 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of objs(specOf(obj), 'versions')) {
    const name = str(v.name);
    if (v.storage === true && !remaining.has(name)) errs.push(invalid(path, new RawValue(`apiextensions.CustomResourceDefinitionVersion{Name:${JSON.stringify(name)}, ...}`), `must have the storage version ${name}`));
    remaining.delete(name);
  }
  for (const [v, i] of remaining) errs.push(invalid(path.index(i), v, 'must appear in spec.versions'));
  return errs;
}

/** The metadata.name rule: `<plural>.<group>`. */
function crdNameValidator(obj: KubeObject): NameValidator {
  const spec = specOf(obj);
  const wanted = `${str(asObj(spec.names)?.plural)}.${str(spec.group)}`;
  return (name, prefix) => {
    const errs = nameIsDNSSubdomain(name, prefix);
    if (name !== wanted) errs.push('must be spec.names.plural+"."+spec.group');
    return errs;
  };
}

function validateCRD(obj: KubeObject): FieldError[] {
  return [
    ...validateObjectMeta(obj.metadata, false, crdNameValidator(obj), FieldPath.of('metadata'), metaOpts),
    ...validateCRDSpec(obj.spec),
    ...validateNames(asObj(asObj(obj.status)?.acceptedNames), FieldPath.of('status', 'acceptedNames')),
    ...validateStoredVersions(obj),
  ];
}

function isEstablished(obj: KubeObject): boolean {
  return objs(asObj(obj.status), 'conditions').some((c) => c.type === 'Established' && c.status === 'True');
}

/** The accepted names a CRD gets: its spec names (kapi has no naming conflicts to resolve). */
function acceptedNames(obj: KubeObject): Obj {
  const names = clone(asObj(specOf(obj).names) ?? {});
  if (!isSet(names.plural)) names.plural = '';
  if (!isSet(names.kind)) names.kind = '';
  return names;
}

function setCondition(status: Obj, type: string, reason: string, message: string, now: string): void {
  const list = objs(status, 'conditions');
  const existing = list.find((c) => c.type === type);
  if (existing) {
    if (existing.status !== 'True') existing.lastTransitionTime = now;
    Object.assign(existing, { status: 'True', reason, message });
    return;
  }
  status.conditions = [...list, { type, status: 'True', lastTransitionTime: now, reason, message }];
}

/**
 * Marks a CRD's names accepted and the CRD established, as the naming and
 * establishing controllers of kube-apiserver do shortly after a create.
 */
export function acceptCRDNames(obj: KubeObject): void {
  const status = ensureObj(asRecord(obj), 'status');
  const now = nowRFC3339();
  status.acceptedNames = acceptedNames(obj);
  setCondition(status, 'NamesAccepted', 'NoConflicts', 'no conflicts found', now);
  setCondition(status, 'Established', 'InitialNamesAccepted', 'the initial names have been accepted', now);
}

function addStorageVersion(obj: KubeObject): void {
  const status = ensureObj(asRecord(obj), 'status');
  const sv = storageVersion(obj);
  const stored = stringList(status.storedVersions);
  if (sv !== undefined && !stored.includes(sv)) status.storedVersions = [...stored, sv];
  else if (status.storedVersions === undefined) status.storedVersions = null;
}

/** The CustomResourceDefinition strategy. */
export const crdStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: true,
  allowUnconditionalUpdate: false,
  defaults: defaultCRD,
  prepareForCreate(_ctx, obj) {
    obj.status = {};
    addStorageVersion(obj);
    acceptCRDNames(obj);
  },
  prepareForUpdate(_ctx, obj) {
    addStorageVersion(obj);
    if (isEstablished(obj)) asRecord(obj).status = { ...(asObj(obj.status) ?? {}), acceptedNames: acceptedNames(obj) };
  },
  validate: (_ctx, obj) => validateCRD(obj),
  validateUpdate(_ctx, obj, old) {
    const errs = [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts),
      ...validateCRDSpec(obj.spec),
      ...validateNames(asObj(asObj(obj.status)?.acceptedNames), FieldPath.of('status', 'acceptedNames')),
      ...validateStoredVersions(obj),
    ];
    const n = specOf(obj);
    const o = specOf(old);
    if (isEstablished(old)) {
      errs.push(...validateImmutableField(str(n.scope), str(o.scope), FieldPath.of('spec', 'scope')));
      errs.push(...validateImmutableField(str(asObj(n.names)?.kind), str(asObj(o.names)?.kind), FieldPath.of('spec', 'names', 'kind')));
    }
    errs.push(...validateImmutableField(str(n.group), str(o.group), FieldPath.of('spec', 'group')));
    errs.push(...validateImmutableField(str(asObj(n.names)?.plural), str(asObj(o.names)?.plural), FieldPath.of('spec', 'names', 'plural')));
    return errs;
  },
  validateStatusUpdate: (_ctx, obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts),
    ...validateNames(asObj(asObj(obj.status)?.acceptedNames), FieldPath.of('status', 'acceptedNames')),
  ],
});
