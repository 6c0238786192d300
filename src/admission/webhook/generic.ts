/**
 * What mutating and validating webhook admission share
 * (webhook/generic/webhook.go, restated): the per-request dispatch context,
 * the versioned view of the request's objects, and `shouldCallHook` — does
 * this webhook apply to this request, and in which version?
 *
 * A webhook applies when a rule matches the request (or, with
 * `matchPolicy: Equivalent`, an equivalent resource in another version), its
 * namespaceSelector and objectSelector match, and every match condition is
 * true. Selector errors (an unknown namespace) only count for webhooks whose
 * rules match.
 */
import type { Attributes } from '../interfaces.js';
import type { Authorizer } from '../../authz/interfaces.js';
import type { GroupVersionKind, GroupVersionResource, KubeObject } from '../../runtime/object.js';
import { newForbidden, newInternalError } from '../../runtime/errors.js';
import { buildActivation } from '../cel/activation.js';
import { CelAuthorizer, cachingAuthorizer } from '../cel/library/authz.js';
import { evaluateMatchConditions } from '../cel/matchconditions.js';
import { admissionRequestJson } from '../cel/request.js';
import type { WebhookAccessor } from './accessor.js';
import { kindOf, optionsOf, resourceOf } from './attributes.js';
import type { EquivalentResourceMapper } from './equivalent.js';
import { ruleMatches } from './rules.js';
import { matchNamespaceSelector, matchObjectSelector, type NamespaceGetter } from './selectors.js';

/** The request's objects in one version (admission.VersionedAttributes). */
export interface VersionedAttributes {
  kind: GroupVersionKind;
  object: KubeObject | null;
  oldObject: KubeObject | null;
  /** Set when a webhook changed `object`. */
  dirty: boolean;
}

const sameKind = (a: GroupVersionKind, b: GroupVersionKind): boolean => a.group === b.group && a.version === b.version && a.kind === b.kind;

/** Replaces the contents of `target` with those of `source` (the handlers hold the object by reference). */
export function replaceContents(target: KubeObject, source: KubeObject): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, source);
}

/**
 * The request's objects converted to the versions webhooks ask for. The
 * mutating dispatcher converts the latest (possibly patched) version from
 * one webhook's version to the next; `writeBack` puts the result into the
 * request's object.
 */
export class VersionedAttributeAccessor {
  private current?: VersionedAttributes;
  private readonly byKind = new Map<string, VersionedAttributes>();

  constructor(
    private readonly attrs: Attributes,
    private readonly mapper: EquivalentResourceMapper,
    /** True for the mutating dispatcher: one chain of versions. */
    private readonly chained: boolean,
  ) {}

  private convert(obj: KubeObject | null, from: GroupVersionKind, to: GroupVersionKind): KubeObject | null {
    if (obj === null) return null;
    return sameKind(from, to) ? structuredClone(obj) : this.mapper.convert(obj, from, to);
  }

  /** The objects in `kind`. */
  get(kind: GroupVersionKind): VersionedAttributes {
    const requestKind = kindOf(this.attrs);
    if (!this.chained) {
      const key = `${kind.group}/${kind.version}/${kind.kind}`;
      let v = this.byKind.get(key);
      if (!v) {
        v = { kind, object: this.convert(this.attrs.object, requestKind, kind), oldObject: this.convert(this.attrs.oldObject, requestKind, kind), dirty: false };
        this.byKind.set(key, v);
      }
      return v;
    }
    if (!this.current) {
      this.current = { kind, object: this.convert(this.attrs.object, requestKind, kind), oldObject: this.convert(this.attrs.oldObject, requestKind, kind), dirty: false };
    } else if (!sameKind(this.current.kind, kind)) {
      this.current = {
        kind,
        object: this.convert(this.current.object, this.current.kind, kind),
        oldObject: this.convert(this.attrs.oldObject, requestKind, kind),
        dirty: this.current.dirty,
      };
    }
    return this.current;
  }

  /** The object as earlier webhooks left it (mutating dispatch), else the request's. */
  latestObject(): KubeObject | null {
    return this.chained && this.current ? this.current.object : this.attrs.object;
  }

  /** Writes a changed object back into the request (in the request's version). */
  writeBack(): void {
    const c = this.current;
    if (!c || !c.dirty || !c.object || !this.attrs.object) return;
    const back = sameKind(c.kind, kindOf(this.attrs)) ? c.object : this.mapper.convert(c.object, c.kind, kindOf(this.attrs));
    replaceContents(this.attrs.object, back);
  }
}

/** A webhook that applies to the request, with the version it is called in. */
export interface WebhookInvocation {
  hook: WebhookAccessor;
  resource: GroupVersionResource;
  subresource: string;
  kind: GroupVersionKind;
}

/** Per-request state shared by the webhooks of one dispatch. */
export class DispatchContext {
  private readonly namespaces = new Map<string, Promise<KubeObject | null>>();
  private celAuthz?: CelAuthorizer;
  readonly getNamespace: NamespaceGetter;

  constructor(
    readonly attrs: Attributes,
    readonly mapper: EquivalentResourceMapper,
    getNamespace: NamespaceGetter,
    private readonly authorizer: Authorizer | undefined,
  ) {
    this.getNamespace = (name) => {
      let p = this.namespaces.get(name);
      if (!p) {
        p = getNamespace(name);
        this.namespaces.set(name, p);
      }
      return p;
    };
  }

  /** The `authorizer` CEL variable for the requesting user (decisions cached per request). */
  celAuthorizer(): CelAuthorizer | undefined {
    if (!this.authorizer || !this.attrs.user) return undefined;
    this.celAuthz ??= new CelAuthorizer(cachingAuthorizer(this.authorizer), this.attrs.user, {
      group: this.attrs.group,
      version: this.attrs.version,
      resource: this.attrs.resource,
      subresource: this.attrs.subresource,
      namespace: this.attrs.namespace,
      name: this.attrs.name,
    });
    return this.celAuthz;
  }
}

/**
 * Decides whether `hook` applies; null when it does not. Throws the
 * StatusError Kubernetes answers with (namespace not found, bad selector,
 * match condition errors with failurePolicy Fail → 403).
 */
export async function shouldCallHook(hook: WebhookAccessor, ctx: DispatchContext, versioned: VersionedAttributeAccessor): Promise<WebhookInvocation | null> {
  const attrs = ctx.attrs;
  const requestResource = resourceOf(attrs);
  const target = { operation: attrs.operation, resource: requestResource, subresource: attrs.subresource, namespace: attrs.namespace };
  let invocation: WebhookInvocation | null = null;
  if (hook.rules.some((r) => ruleMatches(r, target))) {
    invocation = { hook, resource: requestResource, subresource: attrs.subresource, kind: kindOf(attrs) };
  }
  if (!invocation && hook.matchPolicy === 'Equivalent') {
    const equivalents = ctx.mapper.equivalentResourcesFor(requestResource, attrs.subresource);
    outer: for (const r of hook.rules) {
      for (const eq of equivalents) {
        if (eq.group === requestResource.group && eq.version === requestResource.version && eq.resource === requestResource.resource) continue;
        if (!ruleMatches(r, { ...target, resource: eq })) continue;
        const kind = ctx.mapper.kindFor(eq, attrs.subresource);
        if (!kind) throw newInternalError(`unable to convert to ${eq.group}/${eq.version}, Resource=${eq.resource}: unknown kind`);
        invocation = { hook, resource: eq, subresource: attrs.subresource, kind };
        break outer;
      }
    }
  }
  if (!invocation) return null;
  if (!(await matchNamespaceSelector(hook.namespaceSelector, attrs, ctx.getNamespace))) return null;
  // A mutating webhook sees the object as the webhooks before it left it (attrForCheck).
  if (!matchObjectSelector(hook.objectSelector, { ...attrs, object: versioned.latestObject() })) return null;
  if (hook.matchConditions.length > 0) {
    const v = versioned.get(invocation.kind);
    const activation = buildActivation({
      object: v.object,
      oldObject: v.oldObject,
      request: admissionRequestJson({
        uid: '',
        kind: kindOf(attrs),
        resource: requestResource,
        subResource: attrs.subresource,
        requestKind: kindOf(attrs),
        requestResource,
        requestSubResource: attrs.subresource,
        name: attrs.name,
        namespace: attrs.namespace,
        operation: attrs.operation,
        userInfo: attrs.user,
        dryRun: attrs.dryRun,
        options: optionsOf(attrs),
      }),
      authorizer: ctx.celAuthorizer(),
    });
    const result = await evaluateMatchConditions(hook.compiledMatchConditions(), activation, hook.failurePolicy);
    if (result.error !== undefined) throw newForbidden({ group: attrs.group, resource: attrs.resource }, attrs.name, result.error);
    if (!result.matches) return null;
  }
  return invocation;
}
