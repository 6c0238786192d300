/**
 * A resource is data, not a class: its definition names it (group, version,
 * kind, plural, scope, short names, categories, subresources) and points at its
 * strategy, table convertor and field-selector attributes. The generic store,
 * the installer, discovery and OpenAPI all read the same definition.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { RestStrategy } from './strategy.js';
import type { TableConvertor } from './table.js';

/** API verbs as discovery lists them. */
export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

/** A subresource served under `<resource>/<name>/<subresource>`. */
export interface SubresourceDefinition {
  /** `status`, `scale`, `token`, `binding`, `log`, `exec`, ... */
  name: string;
  /** The kind of the request/response body (Scale → autoscaling/v1 Scale). */
  group: string;
  version: string;
  kind: string;
  verbs: Verb[];
}

/** Everything the server needs to serve one resource in one group/version. */
export interface ResourceDefinition {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lowercase: `deployments`. */
  resource: string;
  /** Singular, lowercase: `deployment`. */
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceDefinition[];
  /** Whether objects are persisted (false for review APIs such as selfsubjectaccessreviews). */
  persisted: boolean;
  /** Full catalog message name of the kind: `k8s.io.api.apps.v1.Deployment`. */
  message: string;
  strategy?: RestStrategy;
  table?: TableConvertor;
  /**
   * Field-selector attributes of an object (`metadata.name`, `metadata.namespace`,
   * and per kind e.g. `spec.nodeName`, `status.phase`).
   */
  selectableFields?(obj: KubeObject): Record<string, string>;
  /** For the scale subresource: where replicas and selector live. */
  scale?: ScaleDefinition;
  /**
   * Set when this version is deprecated: the text of the `Warning: 299 - "..."`
   * header every request to it gets (`v1 Endpoints is deprecated in v1.33+; use
   * discovery.k8s.io/v1 EndpointSlice`).
   */
  deprecationWarning?: string;
}

/** How the `scale` subresource maps onto the object. */
export interface ScaleDefinition {
  /** Reads spec.replicas (default 1 when unset, as the defaulters would). */
  specReplicas(obj: KubeObject): number;
  setSpecReplicas(obj: KubeObject, n: number): void;
  statusReplicas(obj: KubeObject): number;
  /** The label selector as a string (`app=web`), as Scale.status.selector carries it. */
  selector(obj: KubeObject): string;
}
