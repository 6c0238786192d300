/**
 * The etcd v3 gRPC surface, loaded from the protobuf definitions shipped with
 * the `etcd3` npm package, and TypeScript shapes for the messages this
 * backend sends and receives.
 *
 * Loading options match the ones the `etcd3` package uses: field names as in
 * the .proto (snake_case), 64-bit integers as decimal strings, enums as their
 * names, absent scalar fields filled with defaults and absent message fields
 * as null, and the name of the set member of each `oneof` recorded.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** Field names of the services this backend uses. */
export type EtcdServiceName = 'KV' | 'Watch' | 'Maintenance';

/** etcd's ResponseHeader (revision as a decimal string). */
export interface PbResponseHeader {
  cluster_id: string;
  member_id: string;
  revision: string;
  raft_term: string;
}

/** mvccpb.KeyValue as received. */
export interface PbKeyValue {
  key: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
  value: Buffer;
  lease: string;
}

/** RangeRequest (only the fields this backend sets). */
export interface PbRangeRequest {
  key: Buffer;
  range_end?: Buffer;
  limit?: number;
  revision?: number;
  keys_only?: boolean;
  count_only?: boolean;
}

export interface PbRangeResponse {
  header: PbResponseHeader;
  kvs: PbKeyValue[];
  more: boolean;
  count: string;
}

export interface PbPutRequest {
  key: Buffer;
  value: Buffer;
}

export interface PbDeleteRangeRequest {
  key: Buffer;
  range_end?: Buffer;
}

/** One comparison of a transaction; exactly one of the target fields is set. */
export interface PbCompare {
  key: Buffer;
  target: 'Version' | 'Create' | 'Mod';
  result: 'Equal' | 'Greater' | 'Less' | 'NotEqual';
  version?: number;
  create_revision?: number;
  mod_revision?: number;
}

/** One operation of a transaction branch; exactly one field is set. */
export interface PbRequestOp {
  request_range?: PbRangeRequest;
  request_put?: PbPutRequest;
  request_delete_range?: PbDeleteRangeRequest;
}

export interface PbTxnRequest {
  compare: PbCompare[];
  success: PbRequestOp[];
  failure: PbRequestOp[];
}

export interface PbResponseOp {
  response?: 'response_range' | 'response_put' | 'response_delete_range' | 'response_txn';
  response_range: PbRangeResponse | null;
}

export interface PbTxnResponse {
  header: PbResponseHeader;
  succeeded: boolean;
  responses: PbResponseOp[];
}

export interface PbCompactionRequest {
  revision: number;
  physical: boolean;
}

export interface PbCompactionResponse {
  header: PbResponseHeader;
}

export interface PbStatusResponse {
  header: PbResponseHeader;
  version: string;
  leader: string;
}

/** A request written to a watch stream; exactly one field is set. */
export interface PbWatchRequest {
  create_request?: {
    key: Buffer;
    range_end?: Buffer;
    start_revision?: number;
    progress_notify?: boolean;
    prev_kv?: boolean;
  };
  cancel_request?: { watch_id: string };
}

/** mvccpb.Event as received. */
export interface PbEvent {
  type: 'Put' | 'Delete';
  kv: PbKeyValue | null;
  prev_kv: PbKeyValue | null;
}

export interface PbWatchResponse {
  header: PbResponseHeader | null;
  watch_id: string;
  created: boolean;
  canceled: boolean;
  compact_revision: string;
  cancel_reason: string;
  fragment: boolean;
  events: PbEvent[];
}

/** Request and response types of the unary methods this backend calls. */
export interface EtcdUnaryMethods {
  'KV.range': [PbRangeRequest, PbRangeResponse];
  'KV.txn': [PbTxnRequest, PbTxnResponse];
  'KV.compact': [PbCompactionRequest, PbCompactionResponse];
  'Maintenance.status': [Record<string, never>, PbStatusResponse];
}

/** Where the `etcd3` package keeps its copy of etcd's .proto files. */
function protoDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('etcd3')), '..', 'proto');
}

let services: Record<EtcdServiceName, ServiceClientConstructor> | undefined;

/** The gRPC client constructors of etcd's KV, Watch and Maintenance services (loaded once). */
export function etcdServices(): Record<EtcdServiceName, ServiceClientConstructor> {
  if (services) return services;
  const def = loadSync(path.join(protoDirectory(), 'rpc.proto'), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = loadPackageDefinition(def).etcdserverpb as unknown as Record<EtcdServiceName, ServiceClientConstructor>;
  services = { KV: pkg.KV, Watch: pkg.Watch, Maintenance: pkg.Maintenance };
  return services;
}
