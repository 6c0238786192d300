/**
 * `--authorization-mode` and friends (pkg/kubeapiserver/options/authorization.go
 * and pkg/kubeapiserver/authorizer, restated): validation with
 * kube-apiserver's error texts, and the authorizer chain they build.
 *
 * The chain is: members of `system:masters` are allowed first (the
 * privileged-group authorizer), then every mode in the order given. kapi's
 * default is `Node,RBAC`, what a kubeadm cluster runs (kube-apiserver's own
 * flag default is AlwaysAllow).
 */
import { newAlwaysAllowAuthorizer, newAlwaysDenyAuthorizer } from './always.js';
import { loadAbacPolicyFile, newAbacAuthorizer } from './abac/abac.js';
import { newPrivilegedGroupAuthorizer, unionAuthorizer, unionRuleResolver, type Authorizer, type AuthorizerWithRules, type RuleResolver } from './interfaces.js';
import type { ListWatchSource } from './informer.js';
import { NodeGraph } from './node/graph.js';
import { newNodeAuthorizer } from './node/node.js';
import { newRbacAuthorizer } from './rbac/authorizer.js';
import { RbacCache, type RbacSource } from './rbac/cache.js';
import { RbacRuleResolver } from './rbac/resolver.js';
import { loadWebhookKubeconfig } from './webhook/kubeconfig.js';
import { newWebhookAuthorizer } from './webhook/webhook.js';

/** The mode names kube-apiserver accepts (AuthorizationModeChoices). */
export const authorizationModeChoices = ['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node'] as const;
export type AuthorizationMode = (typeof authorizationModeChoices)[number];

/** kapi's default `--authorization-mode`. */
export const defaultAuthorizationModes: AuthorizationMode[] = ['Node', 'RBAC'];

/** The authorization flags, parsed. */
export interface AuthorizerOptions {
  /** `--authorization-mode` (comma list, order matters). */
  modes: string[];
  /** `--authorization-policy-file` (ABAC). */
  policyFile: string;
  /** `--authorization-webhook-config-file` (Webhook; kubeconfig format). */
  webhookConfigFile: string;
  /** `--authorization-webhook-version` (v1beta1 by default, as kube-apiserver). */
  webhookVersion: 'v1' | 'v1beta1';
  /** `--authorization-webhook-cache-authorized-ttl` in ms (default 5m). */
  webhookCacheAuthorizedTTLMs: number;
  /** `--authorization-webhook-cache-unauthorized-ttl` in ms (default 30s). */
  webhookCacheUnauthorizedTTLMs: number;
}

/** Defaults of every option. */
export function defaultAuthorizerOptions(): AuthorizerOptions {
  return { modes: [...defaultAuthorizationModes], policyFile: '', webhookConfigFile: '', webhookVersion: 'v1beta1', webhookCacheAuthorizedTTLMs: 300_000, webhookCacheUnauthorizedTTLMs: 30_000 };
}

/** Splits a `--authorization-mode` value (trims entries, drops empty ones). */
export function parseAuthorizationModes(value: string): string[] {
  return value
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
}

/** Go's `%q` of a []string. */
function goList(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** kube-apiserver's validation errors for the options (empty when valid). */
export function validateAuthorizerOptions(o: AuthorizerOptions): string[] {
  const errs: string[] = [];
  if (o.modes.length === 0) errs.push('at least one authorization-mode must be passed');
  const modes = new Set(o.modes);
  for (const mode of o.modes) {
    if (!(authorizationModeChoices as readonly string[]).includes(mode)) errs.push(`authorization-mode ${JSON.stringify(mode)} is not a valid mode`);
    if (mode === 'ABAC' && o.policyFile === '') errs.push("authorization-mode ABAC's authorization policy file not passed");
    if (mode === 'Webhook' && o.webhookConfigFile === '') errs.push("authorization-mode Webhook's authorization config file not passed");
  }
  if (o.policyFile !== '' && !modes.has('ABAC')) errs.push('cannot specify --authorization-policy-file without mode ABAC');
  if (o.webhookConfigFile !== '' && !modes.has('Webhook')) errs.push('cannot specify --authorization-webhook-config-file without mode Webhook');
  if (modes.size !== o.modes.length) errs.push(`authorization-mode ${goList(o.modes)} has mode specified more than once`);
  if (o.webhookVersion !== 'v1' && o.webhookVersion !== 'v1beta1') errs.push(`unsupported authorization-webhook-version ${JSON.stringify(o.webhookVersion)}`);
  return errs;
}

/** What the authorizers read from the server. */
export interface AuthorizerDeps {
  /** The four RBAC resources (needed for RBAC, and always for escalation checks). */
  rbacSource?: RbacSource;
  /** Pods in all namespaces (the Node authorizer's graph). */
  podSource?: ListWatchSource;
}

/** The built chain: an Authorizer plus what the rest of the server needs from it. */
export interface AuthorizationChain extends Authorizer {
  /** Rules of all modes (SelfSubjectRulesReview). */
  ruleResolver: RuleResolver;
  /** The RBAC informer (present when deps.rbacSource was given). */
  rbacCache?: RbacCache;
  /** The RBAC rule resolver over rbacCache. */
  rbacResolver?: RbacRuleResolver;
  /** The Node authorizer's pod graph (present with mode Node and deps.podSource). */
  nodeGraph?: NodeGraph;
  /** Starts the informers; resolves once they listed (serve requests only after). */
  start(): Promise<void>;
  /** Stops the informers. */
  stop(): void;
}

/**
 * Builds the authorizer of the modes (validate the options first). Throws
 * when a policy or webhook config file cannot be read.
 */
export function newAuthorizerFromModes(opts: AuthorizerOptions, deps: AuthorizerDeps = {}): AuthorizationChain {
  const errs = validateAuthorizerOptions(opts);
  if (errs.length > 0) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  const rbacCache = deps.rbacSource ? new RbacCache() : undefined;
  const rbacResolver = rbacCache ? new RbacRuleResolver(rbacCache) : undefined;
  let nodeGraph: NodeGraph | undefined;
  const authorizers: Authorizer[] = [newPrivilegedGroupAuthorizer()];
  const resolvers: RuleResolver[] = [];
  for (const mode of opts.modes as AuthorizationMode[]) {
    let z: AuthorizerWithRules;
    switch (mode) {
      case 'AlwaysAllow':
        z = newAlwaysAllowAuthorizer();
        break;
      case 'AlwaysDeny':
        z = newAlwaysDenyAuthorizer();
        break;
      case 'ABAC':
        z = newAbacAuthorizer(loadAbacPolicyFile(opts.policyFile));
        break;
      case 'Webhook':
        z = newWebhookAuthorizer({
          client: loadWebhookKubeconfig(opts.webhookConfigFile),
          version: opts.webhookVersion,
          authorizedTTLMs: opts.webhookCacheAuthorizedTTLMs,
          unauthorizedTTLMs: opts.webhookCacheUnauthorizedTTLMs,
        });
        break;
      case 'RBAC':
        if (!rbacResolver) throw new Error('authorization-mode RBAC needs the RBAC objects (deps.rbacSource)');
        z = newRbacAuthorizer(rbacResolver);
        break;
      case 'Node':
        if (deps.podSource) nodeGraph = new NodeGraph();
        z = newNodeAuthorizer(nodeGraph);
        break;
    }
    authorizers.push(z);
    resolvers.push(z);
  }
  const union = unionAuthorizer(authorizers);
  return {
    authorize: (a) => union.authorize(a),
    ruleResolver: unionRuleResolver(resolvers),
    rbacCache,
    rbacResolver,
    nodeGraph,
    async start() {
      const waits: Promise<void>[] = [];
      if (rbacCache && deps.rbacSource) waits.push(rbacCache.start(deps.rbacSource));
      if (nodeGraph && deps.podSource) waits.push(nodeGraph.start(deps.podSource));
      await Promise.all(waits);
    },
    stop() {
      rbacCache?.stop();
      nodeGraph?.stop();
    },
  };
}
