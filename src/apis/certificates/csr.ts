/**
 * certificates.k8s.io/v1 CertificateSigningRequest
 * (pkg/apis/certificates/validation, pkg/registry/certificates/certificates):
 * the request must be a signed PEM PKCS#10 request; signerName and usages
 * are required; expirationSeconds is at least 600; username, uid and groups
 * come from the requesting user, never from the body. Spec is immutable.
 * Approved/Denied conditions change only through `approval`;
 * status.certificate only through `status`.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { StrategyContext } from '../../registry/rest/strategy.js';
import { duplicate, FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required, tooLong } from '../../validation/field/errors.js';
import { asArr, asObj, clone, ensureObj, num, str, type Obj } from '../../validation/json.js';
import { DNS1123LabelMaxLength, DNS1123SubdomainMaxLength, isDNS1123Label, isDNS1123Subdomain, validatePathSegmentName } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy, copyAllExcept, type SubresourceRules } from '../common/strategy.js';
import { nowRFC3339 } from '../core/storage.js';
import { checkCertificateChain, checkCertificateRequest, goBytes } from './pem.js';

/** The signer name v1beta1 used by default, refused by v1. */
export const LegacyUnknownSignerName = 'kubernetes.io/legacy-unknown';

const validUsages = [
  'any',
  'cert sign',
  'client auth',
  'code signing',
  'content commitment',
  'crl sign',
  'data encipherment',
  'decipher only',
  'digital signature',
  'email protection',
  'encipher only',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'key agreement',
  'key encipherment',
  'microsoft sgc',
  'netscape sgc',
  'ocsp signing',
  's/mime',
  'server auth',
  'signing',
  'timestamping',
];
const trueOnlyTypes = ['Approved', 'Denied', 'Failed'];
const allStatuses = ['False', 'True', 'Unknown'];

/** ValidateSignerName: `example.com/signer-name`. */
export function validateSignerName(path: FieldPath, signerName: string): FieldError[] {
  if (signerName.length === 0) return [required(path)];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const errs: FieldError[] = [];
  const [domain, rest] = segments;
  if (domain.length > DNS1123SubdomainMaxLength) errs.push(tooLong(path, '', DNS1123SubdomainMaxLength));
  const labels = domain.split('.');
  for (const lbl of labels) {
    const le = isDNS1123Label(lbl);
    if (le.length > 0) {
      for (const m of le) errs.push(invalid(path, domain, `validating label ${JSON.stringify(lbl)}: ${m}`));
      break;
    }
  }
  if (labels.length < 2) errs.push(invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const lbl of rest.split('.')) {
    const le = isDNS1123Subdomain(lbl);
    if (le.length > 0) {
      for (const m of le) errs.push(invalid(path, rest, `validating label ${JSON.stringify(lbl)}: ${m}`));
      break;
    }
  }
  const max = DNS1123SubdomainMaxLength + (DNS1123SubdomainMaxLength + DNS1123LabelMaxLength + 1) + 1;
  if (signerName.length > max) errs.push(tooLong(path, '', max));
  return errs;
}

interface Options {
  allowSettingApprovalConditions: boolean;
  allowSettingCertificate: boolean;
  allowBothApprovedAndDenied: boolean;
  allowLegacySignerName: boolean;
  allowDuplicateConditionTypes: boolean;
  allowEmptyConditionType: boolean;
  allowArbitraryCertificate: boolean;
  allowUnknownUsages: boolean;
  allowDuplicateUsages: boolean;
}

function conditions(obj: KubeObject | undefined): Obj[] {
  return (asArr(asObj(obj?.status)?.conditions) ?? []).map((c) => asObj(c) ?? {});
}

function certBytes(obj: KubeObject | undefined): Buffer {
  return Buffer.from(str(asObj(obj?.status)?.certificate), 'base64');
}

function usages(obj: KubeObject | undefined): string[] {
  return (asArr(asObj(obj?.spec)?.usages) ?? []).map(str);
}

function optionsFor(obj: KubeObject, old?: KubeObject): Options {
  const oldConds = conditions(old);
  const types = oldConds.map((c) => str(c.type));
  const oldUsages = usages(old);
  return {
    allowSettingApprovalConditions: false,
    allowSettingCertificate: false,
    allowBothApprovedAndDenied: old !== undefined && types.includes('Approved') && types.includes('Denied'),
    allowLegacySignerName: old !== undefined && str(asObj(old.spec)?.signerName) === LegacyUnknownSignerName,
    allowDuplicateConditionTypes: old !== undefined && new Set(types).size !== types.length,
    allowEmptyConditionType: old !== undefined && types.includes(''),
    allowArbitraryCertificate: old !== undefined && (certBytes(obj).equals(certBytes(old)) || checkCertificateChain(certBytes(old)) !== undefined),
    allowUnknownUsages: old !== undefined && oldUsages.some((u) => !validUsages.includes(u)),
    allowDuplicateUsages: old !== undefined && new Set(oldUsages).size !== oldUsages.length,
  };
}

function validateCSR(obj: KubeObject, opts: Options): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, validatePathSegmentName);
  const spec = asObj(obj.spec) ?? {};
  const sp = FieldPath.of('spec');
  const request = Buffer.from(str(spec.request), 'base64');
  const reqErr = checkCertificateRequest(request);
  if (reqErr) errs.push(invalid(sp.child('request'), new RawValue(goBytes(request)), reqErr));
  const us = usages(obj);
  if (us.length === 0) errs.push(required(sp.child('usages')));
  if (!opts.allowUnknownUsages) {
    us.forEach((u, i) => {
      if (!validUsages.includes(u)) errs.push(notSupported(sp.child('usages').index(i), u, validUsages));
    });
  }
  if (!opts.allowDuplicateUsages) {
    const seen = new Set<string>();
    us.forEach((u, i) => {
      if (seen.has(u)) errs.push(duplicate(sp.child('usages').index(i), u));
      seen.add(u);
    });
  }
  const signer = str(spec.signerName);
  if (!opts.allowLegacySignerName && signer === LegacyUnknownSignerName) {
    errs.push(invalid(sp.child('signerName'), signer, 'the legacy signerName is not allowed via this API version'));
  } else {
    errs.push(...validateSignerName(sp.child('signerName'), signer));
  }
  const exp = num(spec.expirationSeconds);
  if (exp !== undefined && exp < 600) errs.push(invalid(sp.child('expirationSeconds'), exp, 'may not specify a duration less than 600 seconds (10 minutes)'));
  errs.push(...validateConditionList(obj, opts));
  if (!opts.allowArbitraryCertificate) {
    const certErr = checkCertificateChain(certBytes(obj));
    if (certErr) errs.push(invalid(FieldPath.of('status', 'certificate'), '<certificate data>', certErr));
  }
  return errs;
}

function validateConditionList(obj: KubeObject, opts: Options): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.of('status', 'conditions');
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditions(obj).forEach((c, i) => {
    const type = str(c.type);
    const status = str(c.status);
    if (!opts.allowEmptyConditionType && type === '') errs.push(required(path.index(i).child('type')));
    const allowed = trueOnlyTypes.includes(type) ? ['True'] : allStatuses;
    if (status === '') errs.push(required(path.index(i).child('status')));
    else if (!allowed.includes(status)) errs.push(notSupported(path.index(i).child('status'), status, allowed));
    if (!opts.allowBothApprovedAndDenied) {
      if (type === 'Approved') {
        approved = true;
        if (denied) errs.push(invalid(path.index(i).child('type'), type, 'Approved and Denied conditions are mutually exclusive'));
      } else if (type === 'Denied') {
        denied = true;
        if (approved) errs.push(invalid(path.index(i).child('type'), type, 'Approved and Denied conditions are mutually exclusive'));
      }
    }
    if (!opts.allowDuplicateConditionTypes) {
      if (seen.has(type)) errs.push(duplicate(path.index(i).child('type'), type));
      seen.add(type);
    }
  });
  return errs;
}

function ofType(obj: KubeObject, type: string): Obj[] {
  return conditions(obj).filter((c) => str(c.type) === type);
}

function validateCSRUpdate(obj: KubeObject, old: KubeObject, opts: Options): FieldError[] {
  const errs = validateCSR(obj, opts);
  const metaErrs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const path = FieldPath.of('status', 'conditions');
  for (const t of ['Approved', 'Denied', 'Failed']) {
    if (ofType(obj, t).length < ofType(old, t).length) errs.push(forbidden(path, `updates may not remove a condition of type ${JSON.stringify(t)}`));
  }
  if (!opts.allowSettingApprovalConditions) {
    for (const t of ['Approved', 'Denied']) {
      const n = ofType(obj, t);
      const o = ofType(old, t);
      if (n.length > o.length) errs.push(forbidden(path, `updates may not add a condition of type ${JSON.stringify(t)}`));
      else if (n.length === o.length && JSON.stringify(n) !== JSON.stringify(o)) errs.push(forbidden(path, `updates may not modify a condition of type ${JSON.stringify(t)}`));
    }
  }
  if (!certBytes(obj).equals(certBytes(old))) {
    if (!opts.allowSettingCertificate) errs.push(forbidden(FieldPath.of('status', 'certificate'), 'updates may not set certificate content'));
    else if (certBytes(old).length > 0) errs.push(forbidden(FieldPath.of('status', 'certificate'), 'updates may not modify existing certificate content'));
  }
  return [...errs, ...metaErrs];
}

/** SetDefaults_CertificateSigningRequestCondition: a condition without status is True. */
function defaultCSR(obj: KubeObject): void {
  ensureObj(asRecord(obj), 'status');
  for (const c of conditions(obj)) if (str(c.status) === '') c.status = 'True';
}

/** Fills condition timestamps: lastUpdateTime now; lastTransitionTime kept from an old condition of the same type and status. */
function populateConditionTimestamps(obj: KubeObject, old: KubeObject): void {
  const now = nowRFC3339();
  const oldConds = conditions(old);
  for (const c of conditions(obj)) {
    if (!str(c.lastUpdateTime)) c.lastUpdateTime = now;
    if (!str(c.lastTransitionTime)) {
      const prev = oldConds.find((o) => str(o.type) === str(c.type) && str(o.status) === str(c.status) && str(o.lastTransitionTime) !== '');
      c.lastTransitionTime = prev ? prev.lastTransitionTime : now;
    }
  }
}

/** Keeps old instances of a condition type when the update kept their number. */
function preserveConditionInstances(obj: KubeObject, old: KubeObject, type: string): void {
  const status = asObj(obj.status);
  const list = asArr(status?.conditions);
  if (!list) return;
  const oldConds = conditions(old);
  const oldIdx = oldConds.map((c, i) => (str(c.type) === type ? i : -1)).filter((i) => i >= 0);
  const newIdx = list.map((c, i) => (str(asObj(c)?.type) === type ? i : -1)).filter((i) => i >= 0);
  if (oldIdx.length !== newIdx.length) return;
  newIdx.forEach((ni, k) => {
    list[ni] = clone(oldConds[oldIdx[k]]);
  });
}

/** Sets the requesting user's identity on a new CSR, as the strategy does from the request context. */
export function setRequestingUser(obj: KubeObject, user: StrategyContext['user']): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  delete spec.username;
  delete spec.uid;
  delete spec.groups;
  delete spec.extra;
  if (!user) return;
  if (user.name) spec.username = user.name;
  if (user.uid) spec.uid = user.uid;
  if (user.groups.length > 0) spec.groups = [...user.groups];
}

const approval: SubresourceRules = {
  prepareForUpdate(_ctx, obj, old) {
    const newConditions = asObj(obj.status)?.conditions;
    copyAllExcept(obj, old, []);
    const status = ensureObj(asRecord(obj), 'status');
    if (newConditions === undefined) delete status.conditions;
    else status.conditions = clone(newConditions);
    populateConditionTimestamps(obj, old);
  },
  validateUpdate: (_ctx, obj, old) => validateCSRUpdate(obj, old, { ...optionsFor(obj, old), allowSettingApprovalConditions: true }),
};

/** The CertificateSigningRequest strategy (subresources: status, approval). */
export const csrStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: false,
  defaults: defaultCSR,
  prepareForCreate(ctx, obj) {
    setRequestingUser(obj, ctx.user);
    obj.status = {};
  },
  prepareForUpdate(_ctx, obj, old) {
    if (old.spec === undefined) delete obj.spec;
    else obj.spec = clone(old.spec);
  },
  prepareForStatusUpdate(_ctx, obj, old) {
    preserveConditionInstances(obj, old, 'Approved');
    preserveConditionInstances(obj, old, 'Denied');
    populateConditionTimestamps(obj, old);
  },
  validate: (_ctx, obj) => validateCSR(obj, optionsFor(obj)),
  validateUpdate: (_ctx, obj, old) => validateCSRUpdate(obj, old, optionsFor(obj, old)),
  validateStatusUpdate: (_ctx, obj, old) => validateCSRUpdate(obj, old, { ...optionsFor(obj, old), allowSettingCertificate: true }),
  subresources: { approval },
});
