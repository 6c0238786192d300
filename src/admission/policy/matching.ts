/**
 * Matching a request against a policy's matchConstraints or a binding's
 * matchResources (policy/matching, restated): selectors, excluded rules,
 * then resource rules (with resource names), then — under
 * `matchPolicy: Equivalent` — the same rules against equivalent resources
 * in other versions. Without resourceRules everything matches.
 */
import type { Attributes } from '../interfaces.js';
import type { GroupVersionKind, GroupVersionResource, JsonObject, JsonValue } from '../../runtime/object.js';
import { isJsonObject } from '../../runtime/object.js';
import { newInternalError } from '../../runtime/errors.js';
import type { LabelSelector } from '../../runtime/labels/selector.js';
import { kindOf, resourceOf } from '../webhook/attributes.js';
import type { EquivalentResourceMapper } from '../webhook/equivalent.js';
import { ruleMatches, rulesFrom, type RuleWithOperations } from '../webhook/rules.js';
import { matchNamespaceSelector, matchObjectSelector, parseSelector, type NamespaceGetter } from '../webhook/selectors.js';

/** The outcome of matching. */
export interface MatchOutcome {
  matches: boolean;
  /** The resource and kind the request matched as (an equivalent one under Equivalent). */
  resource?: GroupVersionResource;
  kind?: GroupVersionKind;
}

function matchesResourceRules(rules: RuleWithOperations[], matchPolicy: string, attrs: Attributes, mapper: EquivalentResourceMapper): MatchOutcome {
  const resource = resourceOf(attrs);
  const target = { operation: attrs.operation, resource, subresource: attrs.subresource, namespace: attrs.namespace };
  for (const rule of rules) {
    if (!ruleMatches(rule, target)) continue;
    const names = rule.resourceNames ?? [];
    if (names.length === 0 || names.includes(attrs.name)) return { matches: true, resource, kind: kindOf(attrs) };
  }
  if (matchPolicy !== 'Equivalent') return { matches: false };
  const equivalents = mapper.equivalentResourcesFor(resource, attrs.subresource);
  for (const rule of rules) {
    for (const eq of equivalents) {
      if (eq.group === resource.group && eq.version === resource.version && eq.resource === resource.resource) continue;
      if (!ruleMatches(rule, { ...target, resource: eq })) continue;
      const kind = mapper.kindFor(eq, attrs.subresource);
      if (!kind) throw newInternalError(`unable to convert to ${eq.group}/${eq.version}, Resource=${eq.resource}: unknown kind`);
      return { matches: true, resource: eq, kind };
    }
  }
  return { matches: false };
}

/**
 * Matches `criteria` (matchConstraints or matchResources JSON). Selector
 * errors (a missing namespace) are thrown only when the rules match.
 */
export async function matchResources(criteria: JsonObject, attrs: Attributes, mapper: EquivalentResourceMapper, getNamespace: NamespaceGetter): Promise<MatchOutcome> {
  const selectorOf = (v: JsonValue | undefined) => parseSelector(isJsonObject(v) ? (v as LabelSelector) : {});
  let nsError: unknown;
  let objError: unknown;
  try {
    if (!(await matchNamespaceSelector(selectorOf(criteria.namespaceSelector), attrs, getNamespace))) return { matches: false };
  } catch (err) {
    nsError = err;
  }
  try {
    if (!matchObjectSelector(selectorOf(criteria.objectSelector), attrs)) return { matches: false };
  } catch (err) {
    objError = err;
  }
  const matchPolicy = typeof criteria.matchPolicy === 'string' ? criteria.matchPolicy : 'Equivalent';
  const excluded = matchesResourceRules(rulesFrom(criteria.excludeResourceRules), matchPolicy, attrs, mapper);
  if (excluded.matches) return { matches: false };
  const rules = rulesFrom(criteria.resourceRules);
  const outcome = rules.length === 0 ? { matches: true, resource: resourceOf(attrs), kind: kindOf(attrs) } : matchesResourceRules(rules, matchPolicy, attrs, mapper);
  if (!outcome.matches) return outcome;
  if (nsError !== undefined) throw nsError;
  if (objError !== undefined) throw objError;
  return outcome;
}

/** Whether the policy's matchConstraints match (a policy without them matches nothing). */
export async function definitionMatches(policySpec: JsonObject, attrs: Attributes, mapper: EquivalentResourceMapper, getNamespace: NamespaceGetter): Promise<MatchOutcome> {
  if (!isJsonObject(policySpec.matchConstraints)) return { matches: false };
  return matchResources(policySpec.matchConstraints, attrs, mapper, getNamespace);
}

/** Whether a binding's matchResources match (a binding without them matches everything the policy does). */
export async function bindingMatches(bindingSpec: JsonObject, attrs: Attributes, mapper: EquivalentResourceMapper, getNamespace: NamespaceGetter): Promise<boolean> {
  if (!isJsonObject(bindingSpec.matchResources)) return true;
  return (await matchResources(bindingSpec.matchResources, attrs, mapper, getNamespace)).matches;
}

