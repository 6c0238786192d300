/**
 * `--runtime-config`: which group versions (and single resources) are served,
 * as kube-apiserver 1.33 decides it.
 *
 * The flag is a comma-separated `key=value` list (repeatable): `api/all`,
 * `api/ga`, `api/beta`, `api/alpha` (`true`/`false` only) switch every
 * matching version; `<group>/<version>` and `<group>/<version>/<resource>`
 * (any Go boolean, empty meaning true) switch one version or one resource; the
 * core group is `v1` or `api/v1` (any `v1/...` or `api/v1/...` key means the
 * whole core version, as kube-apiserver rewrites them to `/v1`), `api/legacy`
 * is ignored. Resource keys beat version keys, which beat the `api/*` keys.
 */
import { getCatalog } from '../runtime/catalog/catalog.js';
import type { ResourceSpec } from './definitions.js';

/** The parsed flag, after kube-apiserver's normalization of core-group keys. */
export interface RuntimeConfig {
  /** key → value, in flag order (a later repeat of a key wins). */
  readonly overrides: ReadonlyMap<string, string>;
}

/** An error kube-apiserver would print and exit with (`Error: <message>`). */
export class RuntimeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeConfigError';
  }
}

const apiAll = 'api/all';
const versionMatchers: Array<[string, (version: string) => boolean]> = [
  [apiAll, () => true],
  ['api/ga', (v) => /^v\d+$/.test(v)],
  ['api/beta', (v) => /^v\d+beta\d+$/.test(v)],
  ['api/alpha', (v) => /^v\d+alpha\d+$/.test(v)],
];
const matcherKeys = new Set(versionMatchers.map(([k]) => k));

/**
 * Parses `--runtime-config` values (one per occurrence of the flag), the way
 * the flag's ConfigurationMap does (split on `,`, then on the first `=`,
 * spaces trimmed, a bare key meaning an empty value), then rewrites the core
 * group's keys to `/v1` and drops `api/legacy`. Parsing never fails; errors
 * are reported by {@link enabledResources}.
 */
export function parseRuntimeConfig(value: string | readonly string[]): RuntimeConfig {
  const raw = new Map<string, string>();
  for (const occurrence of typeof value === 'string' ? [value] : value) {
    for (const item of occurrence.split(',')) {
      if (item.length === 0) continue;
      const eq = item.indexOf('=');
      const k = (eq < 0 ? item : item.slice(0, eq)).trim();
      const v = eq < 0 ? '' : item.slice(eq + 1).trim();
      raw.delete(k);
      raw.set(k, v);
    }
  }
  const overrides = new Map<string, string>();
  for (const [k, v] of raw) {
    if (k === 'api/legacy') continue;
    const key = k === 'v1' || k.startsWith('v1/') || k === 'api/v1' || k.startsWith('api/v1/') ? '/v1' : k;
    overrides.delete(key);
    overrides.set(key, v);
  }
  return { overrides };
}

/** Options of {@link enabledResources}. */
export interface EnablementOptions {
  /**
   * `--enable-priority-and-fairness` (kube-apiserver's default: true), which
   * refuses a runtime config that turns flowcontrol.apiserver.k8s.io/v1 off.
   */
  priorityAndFairness?: boolean;
  /** Group versions kube-apiserver knows (its schemes); default: the 1.33 catalog plus the specs'. */
  registeredGroupVersions?: ReadonlyArray<{ group: string; version: string }>;
}

/** Group versions of the 1.33 schemes (kube-apiserver, apiextensions, aggregator): the catalog's API packages. */
function catalogGroupVersions(): Array<{ group: string; version: string }> {
  const notAPIGroups = new Set(['meta.k8s.io', 'apidiscovery.k8s.io']);
  return Object.values(getCatalog().packages).filter((gv) => !notAPIGroups.has(gv.group));
}

const gvKey = (group: string, version: string): string => `${group}/${version}`;

/** `schema.GroupVersion.String()`: `v1` for the core group. */
const gvString = (group: string, version: string): string => (group === '' ? version : `${group}/${version}`);

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** utilerrors.NewAggregate(...).Error(). */
function aggregate(errs: string[]): string {
  const unique = [...new Set(errs)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** The `Validate` step of kube-apiserver's options for the runtime config; messages in its words. */
export function validateRuntimeConfig(rc: RuntimeConfig, registeredGroups: ReadonlySet<string>, opts: EnablementOptions = {}): string[] {
  const errs: string[] = [];
  const o = rc.overrides;
  if (opts.priorityAndFairness ?? true) {
    // kube-apiserver looks for "<key>=false" / "<key>=true" in the sorted "k=v,k=v" rendering of the flag.
    const rendered = [...o].map(([k, v]) => `${k}=${v}`).sort().join(',');
    for (const key of ['flowcontrol.apiserver.k8s.io/v1', 'api/ga', apiAll]) {
      if (rendered.includes(`${key}=false`)) {
        errs.push(`--runtime-config=${key}=false conflicts with --enable-priority-and-fairness=true`);
        break;
      }
      if (rendered.includes(`${key}=true`)) break;
    }
  }
  if (o.get(apiAll) === 'false' && o.size === 1) {
    errs.push(`invalid key with only ${apiAll}=false`);
    return errs;
  }
  const groups: string[] = [];
  for (const key of o.keys()) {
    if (matcherKeys.has(key)) continue;
    const tokens = key.split('/');
    if (tokens.length !== 2 && tokens.length !== 3) {
      errs.push(`runtime-config invalid key ${key}`);
      return errs;
    }
    groups.push(tokens[0]);
  }
  const unknown = groups.filter((g) => !registeredGroups.has(g));
  if (unknown.length > 0) errs.push(`unknown api groups ${unknown.join(',')}`);
  return errs;
}

/**
 * The specs served under `rc`: each spec's default (`defaultEnabled`, a whole
 * group version off when all its resources are), then the `api/*` switches,
 * then `<group>/<version>` keys, then `<group>/<version>/<resource>` keys.
 * Throws a {@link RuntimeConfigError} with kube-apiserver's message for a
 * config it refuses (`unknown api groups foo.example.com`, `group version
 * apps/v9 that has not been registered`, `invalid value of apps/v1: maybe, ...`).
 */
export function enabledResources(specs: readonly ResourceSpec[], rc: RuntimeConfig, opts: EnablementOptions = {}): ResourceSpec[] {
  const registered = new Set<string>();
  const registeredGroups = new Set<string>();
  for (const gv of [...(opts.registeredGroupVersions ?? catalogGroupVersions()), ...specs]) {
    registered.add(gvKey(gv.group, gv.version));
    registeredGroups.add(gv.group);
  }
  const errs = validateRuntimeConfig(rc, registeredGroups, opts);
  if (errs.length > 0) throw new RuntimeConfigError(aggregate(errs));

  // The default resource config: a version is on when any of its resources is on by default;
  // resources that differ from their version get a resource-level entry.
  const versionOn = new Map<string, boolean>();
  for (const s of specs) {
    const k = gvKey(s.group, s.version);
    versionOn.set(k, (versionOn.get(k) ?? false) || s.defaultEnabled !== false);
  }
  const resourceOn = new Map<string, boolean>();
  const resKey = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;
  for (const s of specs) {
    const on = s.defaultEnabled !== false;
    if (on !== versionOn.get(gvKey(s.group, s.version))) resourceOn.set(resKey(s.group, s.version, s.resource), on);
  }
  const dropResourcePrefs = (group: string, version: string) => {
    for (const k of [...resourceOn.keys()]) if (k.startsWith(`${group}/${version}/`)) resourceOn.delete(k);
  };

  const o = rc.overrides;
  for (const [flag, matches] of versionMatchers) {
    const value = o.get(flag);
    if (value === undefined) continue;
    if (value !== 'true' && value !== 'false') throw new RuntimeConfigError(`invalid value ${flag}=${value}`);
    for (const k of versionOn.keys()) {
      const [group, version] = splitGV(k);
      if (!matches(version)) continue;
      versionOn.set(k, value === 'true');
      dropResourcePrefs(group, version);
    }
  }

  const versionPrefs: Array<[string, string, boolean]> = [];
  const resourcePrefs: Array<[string, string, string, boolean]> = [];
  for (const [key, value] of o) {
    if (matcherKeys.has(key)) continue;
    const tokens = key.split('/');
    if (tokens.length < 2 || tokens.length > 3) continue;
    const [group, version] = tokens;
    if (!registeredGroups.has(group)) continue;
    if (!registered.has(gvKey(group, version))) throw new RuntimeConfigError(`group version ${gvString(group, version)} that has not been registered`);
    const enabled = value === '' ? true : parseGoBool(value);
    if (enabled === undefined) {
      throw new RuntimeConfigError(`invalid value of ${key}: ${value}, err: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
    }
    if (tokens.length === 2) {
      versionPrefs.push([group, version, enabled]);
    } else {
      const resource = tokens[2];
      if (resource.toLowerCase() !== resource) {
        throw new RuntimeConfigError(`invalid key ${key}: group/version/resource and resource is always lowercase plural, not ${JSON.stringify(resource)}`);
      }
      resourcePrefs.push([group, version, resource, enabled]);
    }
  }
  for (const [group, version, enabled] of versionPrefs) {
    versionOn.set(gvKey(group, version), enabled);
    dropResourcePrefs(group, version);
  }
  for (const [group, version, resource, enabled] of resourcePrefs) resourceOn.set(resKey(group, version, resource), enabled);

  return specs.filter((s) => resourceOn.get(resKey(s.group, s.version, s.resource)) ?? versionOn.get(gvKey(s.group, s.version)) ?? false);
}

function splitGV(k: string): [string, string] {
  const i = k.lastIndexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
}
