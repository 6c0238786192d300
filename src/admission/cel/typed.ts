/**
 * Typed CEL environments for type checking policies (what Kubernetes does
 * with the OpenAPI schemas of the matched kinds): `object`, `oldObject` and
 * `params` are declared with the structure of their kinds, taken from the
 * type catalog, so that a misspelt field or a comparison of an int with a
 * string is found before any request arrives. Run-time evaluation keeps
 * using the dynamic environment (environment.ts).
 */
import { type Environment } from '@marcbachmann/cel-js';
import { jsonFields, messageDef } from '../../runtime/catalog/catalog.js';
import type { FieldDef } from '../../runtime/catalog/types.js';
import { libraryEnvironment } from './environment.js';

const intTypes = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);

/** Declares message types on one environment, leaves first; recursive references become `dyn`. */
class TypeRegistrar {
  private readonly done = new Map<string, string>();
  private readonly visiting = new Set<string>();
  private seq = 0;

  constructor(private readonly env: Environment) {}

  private scalar(t: string): string | undefined {
    if (t === 'string') return 'string';
    if (t === 'bool') return 'bool';
    if (t === 'bytes') return 'bytes';
    if (t === 'double' || t === 'float') return 'double';
    if (intTypes.has(t)) return 'int';
    return undefined;
  }

  private fieldType(f: FieldDef): string {
    const element = this.scalar(f.type) ?? this.message(f.type);
    if (f.mapKey) return `map<string, ${element}>`;
    if (f.repeated) return `list<${element}>`;
    return element;
  }

  /** The CEL type of a message (registering it), with `apiVersion`/`kind` added for top-level kinds. */
  message(name: string, topLevel = false): string {
    const def = messageDef(name);
    if (!def) return 'dyn';
    switch (def.special) {
      case 'Time':
      case 'MicroTime':
        return 'google.protobuf.Timestamp';
      case 'Duration':
        return 'string';
      case 'StringList':
        return 'list<string>';
      case undefined:
        break;
      default:
        return 'dyn';
    }
    const key = `${name}${topLevel ? '#top' : ''}`;
    const hit = this.done.get(key);
    if (hit) return hit;
    if (this.visiting.has(name)) return 'dyn';
    this.visiting.add(name);
    const fields: Record<string, string> = {};
    if (topLevel) {
      fields.apiVersion = 'string';
      fields.kind = 'string';
    }
    for (const [jsonName, f] of jsonFields(name)) fields[jsonName] = this.fieldType(f);
    this.visiting.delete(name);
    const typeName = `${name}${topLevel ? `.Object${++this.seq}` : ''}`;
    this.env.registerType(typeName, { fields });
    this.env.registerOperator(`${typeName} == null`, (a: unknown, b: unknown) => a === b);
    this.done.set(key, typeName);
    return typeName;
  }
}

/** What a typed environment declares. */
export interface TypedEnvironmentOptions {
  /** Message of `object`/`oldObject` (dyn when undefined). */
  objectMessage?: string;
  /** Whether `params` is declared, and its message (dyn when undefined). */
  hasParams: boolean;
  paramsMessage?: string;
  /** Whether `authorizer` is declared. */
  hasAuthorizer: boolean;
  /** The policy's variables and their types. */
  variables: Record<string, string>;
}

const namespaceMessage = 'k8s.io.api.core.v1.Namespace';

/** A fresh environment with typed admission variables. */
export function typedEnvironment(opts: TypedEnvironmentOptions): Environment {
  const env = libraryEnvironment().clone();
  const reg = new TypeRegistrar(env);
  const groupVersionKind = 'kubernetes.admission.GroupVersionKind';
  const groupVersionResource = 'kubernetes.admission.GroupVersionResource';
  const userInfo = 'kubernetes.admission.UserInfo';
  const request = 'kubernetes.admission.AdmissionRequest';
  env
    .registerType(groupVersionKind, { fields: { group: 'string', version: 'string', kind: 'string' } })
    .registerType(groupVersionResource, { fields: { group: 'string', version: 'string', resource: 'string' } })
    .registerType(userInfo, { fields: { username: 'string', uid: 'string', groups: 'list<string>', extra: 'map<string, list<string>>' } })
    .registerType(request, {
      fields: {
        uid: 'string',
        kind: groupVersionKind,
        resource: groupVersionResource,
        subResource: 'string',
        requestKind: groupVersionKind,
        requestResource: groupVersionResource,
        requestSubResource: 'string',
        name: 'string',
        namespace: 'string',
        operation: 'string',
        userInfo,
        dryRun: 'bool',
        options: 'dyn',
      },
    });
  const objectType = opts.objectMessage ? reg.message(opts.objectMessage, true) : 'dyn';
  env.registerVariable('object', objectType).registerVariable('oldObject', objectType).registerVariable('request', request).registerVariable('namespaceObject', reg.message(namespaceMessage, true));
  if (opts.hasParams) env.registerVariable('params', opts.paramsMessage ? reg.message(opts.paramsMessage, true) : 'dyn');
  if (opts.hasAuthorizer) env.registerVariable('authorizer', 'kubernetes.authorization.Authorizer');
  let variableTypes = { ...opts.variables };
  try {
    env.registerType('kubernetes.TypedVariables', { fields: variableTypes });
  } catch {
    // A variable typed with something this environment does not declare: fall back to dyn.
    variableTypes = Object.fromEntries(Object.keys(opts.variables).map((k) => [k, 'dyn']));
    env.registerType('kubernetes.TypedVariablesDyn', { fields: variableTypes });
    return env.registerVariable('variables', 'kubernetes.TypedVariablesDyn');
  }
  return env.registerVariable('variables', 'kubernetes.TypedVariables');
}
