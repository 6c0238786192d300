/**
 * The shape of kapi's generated type catalog (catalog/types.json), produced by
 * tools/gencatalog from Kubernetes' protobuf type definitions. It holds facts
 * only — names, numbers, wire types, markers — never upstream comment text.
 *
 * From it come the protobuf codec, unknown-field detection, strategic-merge
 * list semantics, and the OpenAPI documents.
 */

/** A scalar protobuf type, or the full name of a message (`k8s.io.api.core.v1.Pod`). */
export type ProtoScalar =
  | 'string' | 'bytes' | 'bool'
  | 'int32' | 'int64' | 'uint32' | 'uint64' | 'sint32' | 'sint64'
  | 'fixed32' | 'fixed64' | 'sfixed32' | 'sfixed64'
  | 'double' | 'float';

/**
 * Messages whose JSON form is not a plain object of their fields.
 * - Time / MicroTime: RFC 3339 string (protobuf {seconds, nanos})
 * - Duration: Go duration string "1h2m3s" (protobuf {duration: int64 ns})
 * - Quantity: string "100m" (protobuf {string})
 * - IntOrString: number or string (protobuf {type, intVal, strVal})
 * - RawExtension: any JSON object (protobuf {raw: bytes of JSON})
 * - FieldsV1: any JSON object (protobuf {Raw: bytes of JSON})
 * - JSON: any JSON value (apiextensions JSON; protobuf {raw})
 * - StringList: a JSON array of strings (protobuf {items: repeated string}); e.g. ExtraValue
 * - JSONSchemaPropsOrArray / JSONSchemaPropsOrBool / JSONSchemaPropsOrStringArray: apiextensions unions
 */
export type SpecialKind =
  | 'Time' | 'MicroTime' | 'Duration' | 'Quantity' | 'IntOrString'
  | 'RawExtension' | 'FieldsV1' | 'JSON' | 'StringList'
  | 'JSONSchemaPropsOrArray' | 'JSONSchemaPropsOrBool' | 'JSONSchemaPropsOrStringArray';

export interface FieldDef {
  /**
   * JSON name (equal to the protobuf field name in Kubernetes' protos, except
   * apiextensions JSONSchemaProps' `$ref`, `$schema` and `x-kubernetes-*`).
   */
  name: string;
  /** Protobuf field number. */
  number: number;
  /** Scalar type or message full name. For maps: the value type. */
  type: ProtoScalar | string;
  /** `repeated` (a JSON array). */
  repeated?: true;
  /** `map<string, type>`: a JSON object with string keys. */
  mapKey?: ProtoScalar;
  /**
   * The Go field is embedded (`json:",inline"`): its message's fields appear
   * directly in the parent's JSON object (e.g. ConfigMapKeySelector.name).
   */
  inline?: true;
  /** `+optional` marker. */
  optional?: true;
  /** `+patchStrategy` (`merge`, `retainKeys`, `merge,retainKeys`, `replace`). */
  patchStrategy?: string;
  /** `+patchMergeKey`. */
  patchMergeKey?: string;
  /** `+listType`. */
  listType?: 'atomic' | 'set' | 'map';
  /** `+listMapKey` (in order). */
  listMapKeys?: string[];
  /** `+mapType`. */
  mapType?: 'atomic' | 'granular';
  /** `+structType`. */
  structType?: 'atomic' | 'granular';
}

export interface MessageDef {
  /** Full protobuf name: `k8s.io.api.core.v1.ConfigMap`. */
  name: string;
  /** OpenAPI definition name: `io.k8s.api.core.v1.ConfigMap`. */
  openapiName: string;
  fields: FieldDef[];
  special?: SpecialKind;
  /**
   * `+structType` marker on the message itself (e.g. LabelSelector, OwnerReference,
   * RoleRef: `atomic`): the object is replaced as a whole by apply and merge.
   * (Added by the catalog generator; optional.)
   */
  structType?: 'atomic' | 'granular';
}

/** A top-level kind: a message with ObjectMeta metadata (or a review/option type served by the API). */
export interface KindDef {
  group: string;
  version: string;
  kind: string;
  /** Full message name. */
  message: string;
  /** The `<Kind>List` message, if the package defines one. */
  listMessage?: string;
}

export interface Catalog {
  /** Kubernetes release the catalog was generated from. */
  kubernetesVersion: string;
  /** Every message, by full protobuf name. */
  messages: Record<string, MessageDef>;
  /** Every top-level kind, keyed `group/version/Kind` (core: `/v1/Pod`). */
  kinds: Record<string, KindDef>;
  /** Protobuf package → API group, e.g. `k8s.io.api.rbac.v1` → `rbac.authorization.k8s.io`. */
  packages: Record<string, { group: string; version: string }>;
}
