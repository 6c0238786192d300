/**
 * What built-in plugins need from the server (kube-apiserver gives them
 * informers, a loopback client and the authorizer): reads over the stores,
 * a compare-and-swap writer for status updates (quota usage), and the
 * authorizer. The server builds one `AdmissionDeps` over its stores.
 */
import type { KubeObject } from '../runtime/object.js';
import type { AuthorizationAttributes, AuthorizerResult } from '../authz/interfaces.js';

/** Computes the next version of an object from the current one; throwing aborts the write. */
export type TryUpdateFunc = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export interface AdmissionDeps {
  /** One object (`group` "" for the core group); null when it does not exist. */
  get(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | null>;
  /** Every object of a resource in a namespace (all namespaces, or cluster-scoped, when namespace is ""). */
  list(group: string, resource: string, namespace: string): Promise<KubeObject[]>;
  /**
   * Read-modify-write of one object with optimistic concurrency, bypassing
   * admission (guaranteedUpdate): `tryUpdate` is re-run against the fresh
   * object whenever another writer got there first. Used to write
   * `status` (e.g. ResourceQuota `status.used`). Returns the stored object.
   */
  guaranteedUpdate(group: string, resource: string, namespace: string, name: string, tryUpdate: TryUpdateFunc): Promise<KubeObject>;
  /** The server's authorizer (CertificateApproval/Signing ask it about `signers`). */
  authorize(attrs: AuthorizationAttributes): Promise<AuthorizerResult> | AuthorizerResult;
}
