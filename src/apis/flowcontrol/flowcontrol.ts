/**
 * flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration
 * (pkg/apis/flowcontrol/v1/defaults.go, pkg/apis/flowcontrol/validation):
 * matchingPrecedence 1000, nominal shares 30, queuing 64 queues / hand 8 /
 * length 50 by default; subjects, rules and non-resource paths; the
 * Exempt/Limited shape of priority levels. The fixed specs of the mandatory
 * objects (`exempt`, `catch-all`) are kapi's bootstrap business.
 */
import type { KubeObject } from '../../runtime/object.js';
import { duplicate, FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required } from '../../validation/field/errors.js';
import { goStringSlice } from '../../validation/gofmt.js';
import { asObj, ensureObj, num, objs, str, type Obj } from '../../validation/json.js';
import { nameIsDNSLabel, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { hasWildcard, isSet, stringList } from '../common/validators.js';

/** The largest matchingPrecedence. */
export const FlowSchemaMaxMatchingPrecedence = 10000;
const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'proxy', 'update', 'watch'];
const subjectKinds = ['Group', 'ServiceAccount', 'User'];
const distinguisherMethods = ['ByNamespace', 'ByUser'];
const nsErrIntro = "each member of this list must be '*' or a DNS-1123 label; ";

/** SetDefaults_FlowSchemaSpec. */
export function defaultFlowSchema(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  if (!num(spec.matchingPrecedence)) spec.matchingPrecedence = 1000;
  ensureObj(asRecord(obj), 'status');
}

/** SetDefaults_PriorityLevelConfiguration and its parts. */
export function defaultPriorityLevel(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  const limited = asObj(spec.limited);
  if (limited) {
    if (!isSet(limited.nominalConcurrencyShares)) limited.nominalConcurrencyShares = 30;
    if (!isSet(limited.lendablePercent)) limited.lendablePercent = 0;
    const queuing = asObj(asObj(limited.limitResponse)?.queuing);
    if (queuing) {
      if (!num(queuing.handSize)) queuing.handSize = 8;
      if (!num(queuing.queues)) queuing.queues = 64;
      if (!num(queuing.queueLengthLimit)) queuing.queueLengthLimit = 50;
    }
  }
  const exempt = asObj(spec.exempt);
  if (exempt) {
    if (!isSet(exempt.nominalConcurrencyShares)) exempt.nominalConcurrencyShares = 0;
    if (!isSet(exempt.lendablePercent)) exempt.lendablePercent = 0;
  }
  ensureObj(asRecord(obj), 'status');
}

function validateSubject(s: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const kind = str(s.kind);
  const forbidOthers = (own: string): void => {
    if (own !== 'serviceAccount' && isSet(s.serviceAccount)) errs.push(forbidden(path.child('serviceAccount'), "serviceAccount is forbidden when subject kind is not 'ServiceAccount'"));
    if (own !== 'user' && isSet(s.user)) errs.push(forbidden(path.child('user'), "user is forbidden when subject kind is not 'User'"));
    if (own !== 'group' && isSet(s.group)) errs.push(forbidden(path.child('group'), "group is forbidden when subject kind is not 'Group'"));
  };
  switch (kind) {
    case 'ServiceAccount': {
      const sa = asObj(s.serviceAccount);
      const sp = path.child('serviceAccount');
      if (!sa) errs.push(required(sp, "serviceAccount is required when subject kind is 'ServiceAccount'"));
      else {
        const name = str(sa.name);
        if (name === '') errs.push(required(sp.child('name')));
        else if (name !== '*') for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalid(sp.child('name'), name, m));
        const ns = str(sa.namespace);
        if (ns === '') errs.push(required(sp.child('namespace'), 'must specify namespace for service account'));
        else for (const m of nameIsDNSLabel(ns, false)) errs.push(invalid(sp.child('namespace'), ns, m));
      }
      forbidOthers('serviceAccount');
      break;
    }
    case 'User':
    case 'Group': {
      const key = kind === 'User' ? 'user' : 'group';
      const sub = asObj(s[key]);
      if (!sub) errs.push(required(path.child(key), `${key} is required when subject kind is '${kind}'`));
      else if (str(sub.name) === '') errs.push(required(path.child(key, 'name')));
      forbidOthers(key);
      break;
    }
    default:
      errs.push(notSupported(path.child('kind'), kind, subjectKinds));
  }
  return errs;
}

function validateVerbs(list: string[], path: FieldPath): FieldError[] {
  if (list.length === 0) return [required(path, 'verbs must contain at least one value')];
  if (hasWildcard(list)) return list.length > 1 ? [invalid(path, goStringSlice(list), "if '*' is present, must not specify other verbs")] : [];
  if (!list.every((v) => verbs.includes(v))) return [notSupported(path, goStringSlice(list), verbs)];
  return [];
}

/** ValidateNonResourceURLPath. */
function validateNonResourceURL(p: string, path: FieldPath): FieldError | undefined {
  if (p.length === 0) return invalid(path, p, 'must not be empty');
  if (p === '/') return undefined;
  if (!p.startsWith('/')) return invalid(path, p, 'must start with slash');
  if (p.includes(' ')) return invalid(path, p, 'must not contain white-space');
  if (p.includes('//')) return invalid(path, p, 'must not contain double slash');
  const stars = p.split('*').length - 1;
  if (stars > 1 || (stars === 1 && !p.endsWith('/*'))) return invalid(path, p, 'wildcard can only do suffix matching');
  return undefined;
}

function validateRule(rule: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const subjects = objs(rule, 'subjects');
  if (subjects.length === 0) errs.push(required(path.child('subjects'), 'subjects must contain at least one value'));
  subjects.forEach((s, i) => errs.push(...validateSubject(s, path.child('subjects').index(i))));
  const resourceRules = objs(rule, 'resourceRules');
  const nonResourceRules = objs(rule, 'nonResourceRules');
  if (resourceRules.length === 0 && nonResourceRules.length === 0) errs.push(required(path, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
  resourceRules.forEach((r, i) => {
    const rp = path.child('resourceRules').index(i);
    errs.push(...validateVerbs(stringList(r.verbs), rp.child('verbs')));
    const groups = stringList(r.apiGroups);
    if (groups.length === 0) errs.push(required(rp.child('apiGroups'), 'resource rules must supply at least one api group'));
    else if (groups.length > 1 && hasWildcard(groups)) errs.push(invalid(rp.child('apiGroups'), goStringSlice(groups), "if '*' is present, must not specify other api groups"));
    const resources = stringList(r.resources);
    if (resources.length === 0) errs.push(required(rp.child('resources'), 'resource rules must supply at least one resource'));
    else if (resources.length > 1 && hasWildcard(resources)) errs.push(invalid(rp.child('resources'), goStringSlice(resources), "if '*' is present, must not specify other resources"));
    const namespaces = stringList(r.namespaces);
    if (namespaces.length === 0 && r.clusterScope !== true) {
      errs.push(required(rp.child('namespaces'), 'resource rules that are not cluster scoped must supply at least one namespace'));
    } else if (hasWildcard(namespaces)) {
      if (namespaces.length > 1) errs.push(invalid(rp.child('namespaces'), goStringSlice(namespaces), "if '*' is present, must not specify other namespaces"));
    } else {
      namespaces.forEach((ns, j) => {
        for (const m of nameIsDNSLabel(ns, false)) errs.push(invalid(rp.child('namespaces').index(j), ns, nsErrIntro + m));
      });
    }
  });
  nonResourceRules.forEach((r, i) => {
    const rp = path.child('nonResourceRules').index(i);
    errs.push(...validateVerbs(stringList(r.verbs), rp.child('verbs')));
    const urls = stringList(r.nonResourceURLs);
    if (urls.length === 0) errs.push(required(rp.child('nonResourceURLs'), 'nonResourceURLs must contain at least one value'));
    else if (hasWildcard(urls)) {
      if (urls.length > 1) errs.push(invalid(rp.child('nonResourceURLs'), goStringSlice(urls), "if '*' is present, must not specify other non-resource URLs"));
    } else {
      urls.forEach((u, j) => {
        const e = validateNonResourceURL(u, rp.child('nonResourceURLs').index(j));
        if (e) errs.push(e);
      });
    }
  });
  return errs;
}

function validateStatusConditions(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  const path = FieldPath.of('status', 'conditions');
  objs(asObj(obj.status), 'conditions').forEach((c, i) => {
    const type = str(c.type);
    if (seen.has(type)) errs.push(duplicate(path.index(i).child('type'), type));
    seen.add(type);
    if (type === '') errs.push(required(path.index(i).child('type'), 'must not be empty'));
  });
  return errs;
}

/** ValidateFlowSchema. */
export function validateFlowSchema(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const spec = asObj(obj.spec) ?? {};
  const path = FieldPath.of('spec');
  const mp = num(spec.matchingPrecedence) ?? 0;
  if (mp <= 0) errs.push(invalid(path.child('matchingPrecedence'), mp, 'must be a positive value'));
  if (mp > FlowSchemaMaxMatchingPrecedence) errs.push(invalid(path.child('matchingPrecedence'), mp, `must not be greater than ${FlowSchemaMaxMatchingPrecedence}`));
  if (mp === 1 && str(obj.metadata?.name) !== 'exempt') errs.push(invalid(path.child('matchingPrecedence'), mp, "only the schema named 'exempt' may have matchingPrecedence 1"));
  const dm = asObj(spec.distinguisherMethod);
  if (dm && !distinguisherMethods.includes(str(dm.type))) {
    errs.push(notSupported(path.child('distinguisherMethod', 'type'), new RawValue(`flowcontrol.FlowDistinguisherMethod{Type:${JSON.stringify(str(dm.type))}}`), distinguisherMethods));
  }
  const plName = str(asObj(spec.priorityLevelConfiguration)?.name);
  if (plName === '') errs.push(required(path.child('priorityLevelConfiguration', 'name'), 'must reference a priority level'));
  else for (const m of nameIsDNSSubdomain(plName, false)) errs.push(invalid(path.child('priorityLevelConfiguration', 'name'), plName, m));
  objs(spec, 'rules').forEach((r, i) => errs.push(...validateRule(r, path.child('rules').index(i))));
  errs.push(...validateStatusConditions(obj));
  return errs;
}

function entropyBits(deck: number, hand: number): number {
  return Math.ceil(Math.log2(deck) * hand);
}

function validateLimitResponse(lrIn: unknown, path: FieldPath): FieldError[] {
  const lr = asObj(lrIn) ?? {};
  const type = str(lr.type);
  const queuing = asObj(lr.queuing);
  if (type === 'Reject') return queuing ? [forbidden(path.child('queuing'), 'must be nil if limited.limitResponse.type is not Limited')] : [];
  if (type !== 'Queue') return [notSupported(path.child('type'), type, ['Queue', 'Reject'])];
  if (!queuing) return [required(path.child('queuing'), 'must not be empty if limited.limitResponse.type is Limited')];
  const errs: FieldError[] = [];
  const qp = path.child('queuing');
  const qll = num(queuing.queueLengthLimit) ?? 0;
  const queues = num(queuing.queues) ?? 0;
  const hand = num(queuing.handSize) ?? 0;
  if (qll <= 0) errs.push(invalid(qp.child('queueLengthLimit'), qll, 'must be positive'));
  if (queues <= 0) errs.push(invalid(qp.child('queues'), queues, 'must be positive'));
  else if (queues > 10000000) errs.push(invalid(qp.child('queues'), queues, 'must not be greater than 10000000'));
  if (hand <= 0) errs.push(invalid(qp.child('handSize'), hand, 'must be positive'));
  else if (hand > queues) errs.push(invalid(qp.child('handSize'), hand, `should not be greater than queues (${queues})`));
  else if (entropyBits(queues, hand) > 60) {
    errs.push(invalid(qp.child('handSize'), hand, `required entropy bits of deckSize ${queues} and handSize ${hand} should not be greater than 60`));
  }
  return errs;
}

function validatePercent(v: unknown, path: FieldPath): FieldError[] {
  const n = num(v);
  return n !== undefined && (n < 0 || n > 100) ? [invalid(path, n, 'must be between 0 and 100, inclusive')] : [];
}

/** ValidatePriorityLevelConfiguration (v1 rules: zero nominal shares allowed). */
export function validatePriorityLevel(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const spec = asObj(obj.spec) ?? {};
  const path = FieldPath.of('spec');
  const type = str(spec.type);
  if ((str(obj.metadata?.name) === 'exempt') !== (type === 'Exempt')) errs.push(invalid(path.child('type'), type, "type must be 'Exempt' if and only if name is 'exempt'"));
  if (type === 'Exempt') {
    if (isSet(spec.limited)) errs.push(forbidden(path.child('limited'), 'must be nil if the type is not Limited'));
    const ex = asObj(spec.exempt);
    if (ex) {
      const shares = num(ex.nominalConcurrencyShares);
      if (shares !== undefined && shares < 0) errs.push(invalid(path.child('exempt', 'nominalConcurrencyShares'), shares, 'must be a non-negative integer'));
      errs.push(...validatePercent(ex.lendablePercent, path.child('exempt', 'lendablePercent')));
    }
  } else if (type === 'Limited') {
    if (isSet(spec.exempt)) errs.push(forbidden(path.child('exempt'), 'must be nil if the type is Limited'));
    const lim = asObj(spec.limited);
    if (!lim) errs.push(required(path.child('limited'), 'must not be empty when type is Limited'));
    else {
      const lp = path.child('limited');
      const shares = num(lim.nominalConcurrencyShares) ?? 0;
      if (shares < 0) errs.push(invalid(lp.child('nominalConcurrencyShares'), shares, 'must be a non-negative integer'));
      errs.push(...validateLimitResponse(lim.limitResponse, lp.child('limitResponse')));
      errs.push(...validatePercent(lim.lendablePercent, lp.child('lendablePercent')));
      const borrow = num(lim.borrowingLimitPercent);
      if (borrow !== undefined && borrow < 0) errs.push(invalid(lp.child('borrowingLimitPercent'), borrow, 'if specified, must be a non-negative integer'));
    }
  } else {
    errs.push(notSupported(path.child('type'), type, ['Exempt', 'Limited']));
  }
  errs.push(...validateStatusConditions(obj));
  return errs;
}

/** The FlowSchema strategy. */
export const flowSchemaStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: true,
  defaults: defaultFlowSchema,
  prepareForCreate(_ctx, obj) {
    obj.status = {};
  },
  validate: (_ctx, obj) => validateFlowSchema(obj),
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateFlowSchema(obj)],
  validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateStatusConditions(obj)],
});

/** The PriorityLevelConfiguration strategy. */
export const priorityLevelConfigurationStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: true,
  defaults: defaultPriorityLevel,
  prepareForCreate(_ctx, obj) {
    obj.status = {};
  },
  validate: (_ctx, obj) => validatePriorityLevel(obj),
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validatePriorityLevel(obj)],
  validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateStatusConditions(obj)],
});
