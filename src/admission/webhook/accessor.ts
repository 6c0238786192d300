/**
 * Webhooks as the dispatchers see them (webhook.WebhookAccessor, restated):
 * read from Mutating/ValidatingWebhookConfiguration objects with the API's
 * defaults filled in, selectors parsed once, and match conditions compiled
 * on first use. Configurations are ordered by name, webhooks by their
 * position in the configuration.
 */
import type { JsonObject, JsonValue, KubeObject } from '../../runtime/object.js';
import { isJsonObject } from '../../runtime/object.js';
import type { Selector } from '../../runtime/labels/selector.js';
import type { LabelSelector } from '../../runtime/labels/selector.js';
import type { StatusError } from '../../runtime/errors.js';
import { admissionEnvironment } from '../cel/environment.js';
import { compileMatchConditions, type CompiledMatchConditions, type MatchCondition } from '../cel/matchconditions.js';
import type { WebhookClientConfig } from './client.js';
import { rulesFrom, type RuleWithOperations } from './rules.js';
import { parseSelector } from './selectors.js';

/** One webhook of a configuration. */
export interface WebhookAccessor {
  /** `<configuration>/<webhook>/<index>`: identifies the webhook across reinvocations. */
  readonly uid: string;
  readonly configurationName: string;
  readonly name: string;
  readonly mutating: boolean;
  readonly rules: RuleWithOperations[];
  readonly namespaceSelector: Selector | StatusError;
  readonly objectSelector: Selector | StatusError;
  /** `Equivalent` (default) or `Exact`. */
  readonly matchPolicy: string;
  /** `Fail` (default) or `Ignore`. */
  readonly failurePolicy: string;
  /** `None`, `NoneOnDryRun`, `Some`, `Unknown`, or undefined when unset. */
  readonly sideEffects: string | undefined;
  readonly timeoutSeconds: number;
  readonly admissionReviewVersions: string[];
  readonly clientConfig: WebhookClientConfig;
  /** Mutating webhooks: `Never` (default) or `IfNeeded`. */
  readonly reinvocationPolicy: string;
  readonly matchConditions: MatchCondition[];
  /** The compiled match conditions (compiled once, on first use). */
  compiledMatchConditions(): CompiledMatchConditions;
}

const str = (v: JsonValue | undefined, dflt: string): string => (typeof v === 'string' && v !== '' ? v : dflt);

function clientConfigOf(v: JsonValue | undefined): WebhookClientConfig {
  const out: WebhookClientConfig = {};
  if (!isJsonObject(v)) return out;
  if (typeof v.url === 'string' && v.url !== '') out.url = v.url;
  if (isJsonObject(v.service)) {
    const s = v.service;
    out.service = {
      namespace: str(s.namespace, ''),
      name: str(s.name, ''),
      port: typeof s.port === 'number' ? s.port : 443,
    };
    if (typeof s.path === 'string') out.service.path = s.path;
  }
  if (typeof v.caBundle === 'string' && v.caBundle !== '') out.caBundle = v.caBundle;
  return out;
}

function matchConditionsOf(v: JsonValue | undefined): MatchCondition[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isJsonObject).map((c) => ({ name: str(c.name, ''), expression: str(c.expression, '') }));
}

/** The accessor of one webhook entry of a configuration. */
export function webhookAccessor(config: KubeObject, hook: JsonObject, index: number, mutating: boolean): WebhookAccessor {
  const configurationName = config.metadata?.name ?? '';
  const name = str(hook.name, '');
  const matchConditions = matchConditionsOf(hook.matchConditions);
  let compiled: CompiledMatchConditions | undefined;
  return {
    uid: `${configurationName}/${name}/${index}`,
    configurationName,
    name,
    mutating,
    rules: rulesFrom(hook.rules),
    namespaceSelector: parseSelector(isJsonObject(hook.namespaceSelector) ? (hook.namespaceSelector as LabelSelector) : {}),
    objectSelector: parseSelector(isJsonObject(hook.objectSelector) ? (hook.objectSelector as LabelSelector) : {}),
    matchPolicy: str(hook.matchPolicy, 'Equivalent'),
    failurePolicy: str(hook.failurePolicy, 'Fail'),
    sideEffects: typeof hook.sideEffects === 'string' ? hook.sideEffects : undefined,
    timeoutSeconds: typeof hook.timeoutSeconds === 'number' && hook.timeoutSeconds > 0 ? hook.timeoutSeconds : 10,
    admissionReviewVersions: Array.isArray(hook.admissionReviewVersions) ? hook.admissionReviewVersions.filter((x): x is string => typeof x === 'string') : [],
    clientConfig: clientConfigOf(hook.clientConfig),
    reinvocationPolicy: str(hook.reinvocationPolicy, 'Never'),
    matchConditions,
    compiledMatchConditions() {
      compiled ??= compileMatchConditions(admissionEnvironment({ hasParams: false, hasAuthorizer: true }), matchConditions);
      return compiled;
    },
  };
}

/**
 * Every webhook of the given configurations, configurations ordered by name.
 * Accessors of configurations whose resourceVersion did not change are
 * reused from `previous` (so compiled conditions are kept).
 */
export function webhooksFromConfigurations(configs: readonly KubeObject[], mutating: boolean, previous?: ReadonlyMap<string, WebhookAccessor[]>): Map<string, WebhookAccessor[]> {
  const out = new Map<string, WebhookAccessor[]>();
  const sorted = [...configs].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  for (const c of sorted) {
    const key = `${c.metadata?.name ?? ''}@${c.metadata?.resourceVersion ?? ''}@${c.metadata?.uid ?? ''}`;
    const reuse = previous?.get(key);
    if (reuse) {
      out.set(key, reuse);
      continue;
    }
    const hooks = Array.isArray(c.webhooks) ? (c.webhooks as JsonValue[]) : [];
    out.set(key, hooks.filter(isJsonObject).map((h, i) => webhookAccessor(c, h, i, mutating)));
  }
  return out;
}
