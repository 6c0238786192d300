/**
 * `--encryption-provider-config`: the apiserver.config.k8s.io/v1
 * EncryptionConfiguration, parsed, validated with Kubernetes' messages and
 * turned into one transformer per group/resource.
 *
 * Rules restated from Kubernetes:
 * - each `resources[]` entry lists resources (`secrets`, `deployments.apps`,
 *   `*.` = every core resource, `*.apps` = every resource of a group, `*.*` =
 *   everything) and providers; the FIRST provider writes, all of them read;
 * - a resource named in several entries gets the providers of all of them, in
 *   order; a resource after a matching `*.group` or `*.*` is an error (masked);
 * - lookup: exact group/resource, then `*.group`, then `*.*`, else identity
 *   (which refuses to read encrypted data);
 * - at rest: `k8s:enc:<provider>:v1:<key name>:<ciphertext>`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { FieldPath, invalid, required, RawValue, type FieldError } from '../../validation/field/errors.js';
import { AesCbcTransformer, AesGcmTransformer } from './aes.js';
import { SecretboxTransformer } from './secretbox.js';
import { identityTransformer, PrefixTransformers, type PrefixTransformer, type ValueTransformer } from './transformer.js';

/** One named key (`secret` is base64). */
export interface EncryptionKey {
  name: string;
  secret: string;
}

/** One element of `providers` (exactly one field set). */
export interface ProviderConfiguration {
  aescbc?: { keys?: EncryptionKey[] };
  aesgcm?: { keys?: EncryptionKey[] };
  secretbox?: { keys?: EncryptionKey[] };
  identity?: Record<string, never>;
  kms?: Record<string, unknown>;
}

export interface ResourceConfiguration {
  resources: string[];
  providers: ProviderConfiguration[];
}

/** apiserver.config.k8s.io/v1 EncryptionConfiguration. */
export interface EncryptionConfiguration {
  apiVersion: 'apiserver.config.k8s.io/v1';
  kind: 'EncryptionConfiguration';
  resources: ResourceConfiguration[];
}

/** A group and resource; `*` is a wildcard in either. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** Parses `resource.group` the way Kubernetes does (`secrets` → core; `*.` → core wildcard). */
export function parseGroupResource(s: string): GroupResource {
  const i = s.indexOf('.');
  if (i < 0) return { group: '', resource: s };
  return { group: s.slice(i + 1), resource: s.slice(0, i) };
}

function grString(gr: GroupResource): string {
  if (gr.group === '' && gr.resource === '*') return '*.';
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function goStrings(list: string[]): RawValue {
  return new RawValue(`[]string{${list.map((s) => JSON.stringify(s)).join(', ')}}`);
}

/** Go's aggregate error text: one message alone, several in brackets. */
function aggregate(messages: string[]): string {
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
}

const allowedTop = new Set(['apiVersion', 'kind', 'resources']);
const allowedEntry = new Set(['resources', 'providers']);
const providerNames = ['kms', 'aesgcm', 'aescbc', 'secretbox', 'identity'] as const;

/** Decodes the file's text (YAML or JSON) strictly: unknown fields are errors, as with Kubernetes' strict decoder. */
export function decodeEncryptionConfiguration(text: string): EncryptionConfiguration {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`error decoding encryption provider configuration file: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('error decoding encryption provider configuration file: not an object');
  const o = doc as Record<string, unknown>;
  if (o.kind !== 'EncryptionConfiguration' || o.apiVersion !== 'apiserver.config.k8s.io/v1') {
    throw new Error(`got unexpected config type: ${String(o.apiVersion ?? '')}, Kind=${String(o.kind ?? '')}`);
  }
  const strict: string[] = [];
  for (const k of Object.keys(o)) if (!allowedTop.has(k)) strict.push(`unknown field "${k}"`);
  const resources = Array.isArray(o.resources) ? o.resources : [];
  resources.forEach((r, i) => {
    if (r === null || typeof r !== 'object') return;
    for (const k of Object.keys(r)) if (!allowedEntry.has(k)) strict.push(`unknown field "resources[${i}].${k}"`);
    const providers = (r as Record<string, unknown>).providers;
    if (Array.isArray(providers)) {
      providers.forEach((p, j) => {
        if (p === null || typeof p !== 'object') return;
        for (const k of Object.keys(p)) if (!(providerNames as readonly string[]).includes(k)) strict.push(`unknown field "resources[${i}].providers[${j}].${k}"`);
      });
    }
  });
  if (strict.length > 0) throw new Error(`error decoding encryption provider configuration file: strict decoding error: ${strict.join(', ')}`);
  return { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: resources as ResourceConfiguration[] };
}

const aesKeySizes = [16, 24, 32];
const secretboxKeySizes = [32];

function validateKeys(keys: EncryptionKey[] | undefined, path: FieldPath, sizes: number[]): FieldError[] {
  if (!keys || keys.length === 0) return [required(path, 'at least one keys is required')];
  const errs: FieldError[] = [];
  keys.forEach((k, i) => {
    const p = path.index(i);
    if (!k?.name) errs.push(required(p.child('name'), 'name is a mandatory field for a key'));
    if (!k?.secret) {
      errs.push(required(p.child('secret'), 'secret is a mandatory field for a key'));
      return;
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(k.secret) || k.secret.length % 4 !== 0) {
      errs.push(invalid(p.child('secret'), 'REDACTED', 'secrets must be base64 encoded'));
      return;
    }
    const len = Buffer.from(k.secret, 'base64').length;
    if (!sizes.includes(len)) errs.push(invalid(p.child('secret'), 'REDACTED', `secret is not of the expected length, got ${len}, expected one of [${sizes.join(' ')}]`));
  });
  return errs;
}

function validateResourceNames(resources: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  resources.forEach((res, j) => {
    const p = path.index(j);
    const gr = parseGroupResource(res);
    if (res.toLowerCase() !== res) errs.push(invalid(p, res, 'resource name should not contain capital letters'));
    else if (res === '*') errs.push(invalid(p, res, "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources"));
    else if (['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations'].includes(res)) errs.push(invalid(p, res, 'resources which do not have REST API/s cannot be encrypted'));
    else if (gr.group === 'events.k8s.io') errs.push(invalid(p, res, "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file"));
    else if (gr.group === 'extensions') errs.push(invalid(p, res, "'extensions' group has been removed and cannot be used for encryption"));
    else if (gr.group === '*' && gr.resource !== '*') errs.push(invalid(p, res, 'encrypting the same resource across groups is not supported'));
  });
  return errs;
}

function validateResourceOverlap(resources: string[], path: FieldPath): FieldError[] {
  if (resources.length < 2) return [];
  const grs = resources.map(parseGroupResource);
  let duplicate = false;
  let overlap = false;
  grs.forEach((a, i) =>
    grs.forEach((b, j) => {
      if (i === j) return;
      if (a.group === b.group && a.resource === b.resource) {
        duplicate = true;
        return;
      }
      if ((a.group === '*' && a.resource === '*') || (a.group === b.group && (a.resource === '*' || b.resource === '*'))) overlap = true;
    }),
  );
  const errs: FieldError[] = [];
  if (duplicate) errs.push(invalid(path, goStrings(resources), 'the same resource cannot be specified multiple times'));
  if (overlap) errs.push(invalid(path, goStrings(resources), "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked"));
  return errs;
}

/** Kubernetes' validation of an EncryptionConfiguration (KMS is refused separately: kapi has no KMS client). */
export function validateEncryptionConfiguration(c: EncryptionConfiguration): FieldError[] {
  const root = FieldPath.of('resources');
  if (c.resources.length === 0) return [required(root, 'at least one resources is required')];
  const errs: FieldError[] = [];
  c.resources.forEach((conf, i) => {
    const r = root.index(i).child('resources');
    const p = root.index(i).child('providers');
    const resources = Array.isArray(conf?.resources) ? conf.resources : [];
    const providers = Array.isArray(conf?.providers) ? conf.providers : [];
    if (resources.length === 0) errs.push(required(r, `at least one ${r} is required`));
    errs.push(...validateResourceOverlap(resources, r), ...validateResourceNames(resources, r));
    if (providers.length === 0) errs.push(required(p, `at least one ${p} is required`));
    providers.forEach((prov, j) => {
      const path = p.index(j);
      const found = providerNames.filter((n) => prov && (prov as Record<string, unknown>)[n] !== undefined && (prov as Record<string, unknown>)[n] !== null);
      if (found.length === 0) {
        errs.push(invalid(path, new RawValue('{}'), 'provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity'));
        return;
      }
      if (found.length > 1) {
        errs.push(invalid(path, new RawValue(`{${found.join(' ')}}`), 'more than one provider specified in a single element, should split into different list elements'));
        return;
      }
      if (prov.aesgcm) errs.push(...validateKeys(prov.aesgcm.keys, path.child('aesgcm').child('keys'), aesKeySizes));
      if (prov.aescbc) errs.push(...validateKeys(prov.aescbc.keys, path.child('aescbc').child('keys'), aesKeySizes));
      if (prov.secretbox) errs.push(...validateKeys(prov.secretbox.keys, path.child('secretbox').child('keys'), secretboxKeySizes));
    });
  });
  return errs;
}

function keyedTransformer(prefix: string, keys: EncryptionKey[], make: (key: Buffer) => ValueTransformer, noMatch: string): PrefixTransformer {
  const perKey = keys.map((k) => ({ prefix: Buffer.from(`${k.name}:`), transformer: make(Buffer.from(k.secret, 'base64')) }));
  return { prefix: Buffer.from(prefix), transformer: new PrefixTransformers(perKey, noMatch) };
}

/** The transformers of one entry's providers, in order. */
function providerTransformers(providers: ProviderConfiguration[]): PrefixTransformer[] {
  return providers.map((p) => {
    if (p.aesgcm) return keyedTransformer('k8s:enc:aesgcm:v1:', p.aesgcm.keys ?? [], (k) => new AesGcmTransformer(k), 'no matching key was found for the provided AES transformer');
    if (p.aescbc) return keyedTransformer('k8s:enc:aescbc:v1:', p.aescbc.keys ?? [], (k) => new AesCbcTransformer(k), 'no matching key was found for the provided AES transformer');
    if (p.secretbox) return keyedTransformer('k8s:enc:secretbox:v1:', p.secretbox.keys ?? [], (k) => new SecretboxTransformer(k), 'no matching key was found for the provided Secretbox transformer');
    if (p.identity) return { prefix: Buffer.alloc(0), transformer: identityTransformer };
    // Validation ran first: only KMS is left.
    throw new Error('the kms provider is not supported by kapi (it has no KMS plugin client); use aescbc, aesgcm or secretbox');
  });
}

/** The transformers by group/resource, with Kubernetes' lookup order. */
export class ResourceTransformers {
  constructor(private readonly byResource: ReadonlyMap<string, ValueTransformer>) {}

  /** The transformer of a resource: exact, then `*.group`, then `*.*`, else identity. */
  transformerFor(gr: GroupResource): ValueTransformer {
    return (
      this.byResource.get(grString(gr)) ??
      this.byResource.get(grString({ group: gr.group, resource: '*' })) ??
      this.byResource.get('*.*') ??
      identityTransformer
    );
  }

  /** True when some configuration names the resource (directly or by wildcard). */
  covers(gr: GroupResource): boolean {
    return this.transformerFor(gr) !== identityTransformer;
  }
}

/** Builds the transformers of a validated configuration. */
export function buildTransformers(c: EncryptionConfiguration): ResourceTransformers {
  const lists = new Map<string, PrefixTransformer[]>();
  for (const entry of c.resources) {
    const transformers = providerTransformers(entry.providers);
    for (const resource of entry.resources) {
      const gr = parseGroupResource(resource);
      for (const masking of [{ group: gr.group, resource: '*' }, { group: '*', resource: '*' }]) {
        if (lists.has(grString(masking))) throw new Error(`resource "${grString(gr)}" is masked by earlier rule "${grString(masking)}"`);
      }
      const key = grString(gr);
      lists.set(key, [...(lists.get(key) ?? []), ...transformers]);
    }
  }
  const byResource = new Map<string, ValueTransformer>();
  for (const [k, list] of lists) byResource.set(k, new PrefixTransformers(list, 'no matching prefix found'));
  return new ResourceTransformers(byResource);
}

/** Parses, validates and builds; errors carry Kubernetes' texts. */
export function parseEncryptionConfiguration(text: string): ResourceTransformers {
  const config = decodeEncryptionConfiguration(text);
  const errs = validateEncryptionConfiguration(config);
  if (errs.length > 0) throw new Error(aggregate(errs.map((e) => e.message())));
  if (config.resources.some((r) => r.providers.some((p) => p.kms))) {
    throw new Error('the kms provider is not supported by kapi (it has no KMS plugin client); use aescbc, aesgcm or secretbox');
  }
  return buildTransformers(config);
}

/** Loads `--encryption-provider-config`; the error says which file and why, as kube-apiserver does. */
export function loadEncryptionConfiguration(path: string): ResourceTransformers {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`error while parsing file: error reading encryption provider configuration file "${path}": ${(err as Error).message}`);
  }
  try {
    return parseEncryptionConfiguration(text);
  } catch (err) {
    throw new Error(`error while parsing file: ${(err as Error).message}`);
  }
}
