/**
 * Admission (k8s.io/apiserver/pkg/admission, restated): mutating plugins run
 * on the decoded object before validation, validating plugins after the
 * strategy's validation, and the chain stops at the first error.
 */
import type { KubeObject } from '../runtime/object.js';
import type { UserInfo } from '../endpoints/request/context.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** What a plugin is told about the request. */
export interface Attributes {
  operation: Operation;
  group: string;
  version: string;
  kind: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  object: KubeObject | null;
  oldObject: KubeObject | null;
  dryRun: boolean;
  user?: UserInfo;
}

/** A plugin: handles some operations, may mutate and/or validate. */
export interface AdmissionPlugin {
  name: string;
  handles(op: Operation): boolean;
  admit?(attrs: Attributes): Promise<void> | void;
  validate?(attrs: Attributes): Promise<void> | void;
}

/** The chain the handlers call. */
export interface Admission {
  admit(attrs: Attributes): Promise<void>;
  validate(attrs: Attributes): Promise<void>;
}

/** Runs every mutating plugin, then (separately) every validating plugin, in order. */
export function newAdmissionChain(plugins: AdmissionPlugin[]): Admission {
  return {
    async admit(attrs) {
      for (const p of plugins) if (p.admit && p.handles(attrs.operation)) await p.admit(attrs);
    },
    async validate(attrs) {
      for (const p of plugins) if (p.validate && p.handles(attrs.operation)) await p.validate(attrs);
    },
  };
}
