/**
 * Admission options as kube-apiserver takes them
 * (k8s.io/apiserver/pkg/server/options/admission.go and
 * k8s.io/apiserver/pkg/admission/config.go, restated):
 * `--enable-admission-plugins`, `--disable-admission-plugins`,
 * `--admission-control-config-file` (AdmissionConfiguration with a
 * `configuration` object or a `path` per plugin), and the legacy
 * DefaultTolerationSeconds flags. `buildAdmission` turns them into the chain.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AdmissionDeps } from './deps.js';
import type { Admission, AdmissionPlugin } from './interfaces.js';
import { newAdmissionChain } from './chain.js';
import { AdmissionPlugins, allOrderedPlugins, defaultOnPlugins, type PluginFactory } from './registry.js';
import { registerBuiltinPlugins } from './plugins/index.js';
import { isJsonObject } from '../runtime/object.js';

/** The admission flags. */
export interface AdmissionOptions {
  /** `--enable-admission-plugins` (in addition to the default-on set). */
  enablePlugins: string[];
  /** `--disable-admission-plugins`. */
  disablePlugins: string[];
  /** `--admission-control-config-file` ("" for none). */
  configFile: string;
  /** `--default-not-ready-toleration-seconds` (300). */
  defaultNotReadyTolerationSeconds: number;
  /** `--default-unreachable-toleration-seconds` (300). */
  defaultUnreachableTolerationSeconds: number;
}

/** Flag specs (the shape of options/flags.ts FlagSpec) for kapi's flag parser. */
export const admissionFlagSpecs: { name: string; type: 'string' | 'int'; default: string; help: string }[] = [
  {
    name: 'enable-admission-plugins',
    type: 'string',
    default: '',
    help: `admission plugins that should be enabled in addition to default enabled ones (${[...defaultOnPlugins].filter((n) => allOrderedPlugins.includes(n)).sort((a, b) => allOrderedPlugins.indexOf(a) - allOrderedPlugins.indexOf(b)).join(', ')}). Comma-delimited list of admission plugins: ${[...allOrderedPlugins].sort().join(', ')}. The order of plugins in this flag does not matter.`,
  },
  {
    name: 'disable-admission-plugins',
    type: 'string',
    default: '',
    help: `admission plugins that should be disabled although they are in the default enabled plugins list. Comma-delimited list of admission plugins: ${[...allOrderedPlugins].sort().join(', ')}. The order of plugins in this flag does not matter.`,
  },
  { name: 'admission-control-config-file', type: 'string', default: '', help: 'File with admission control configuration.' },
  { name: 'default-not-ready-toleration-seconds', type: 'int', default: '300', help: 'Indicates the tolerationSeconds of the toleration for notReady:NoExecute that is added by default to every pod that does not already have such a toleration.' },
  { name: 'default-unreachable-toleration-seconds', type: 'int', default: '300', help: 'Indicates the tolerationSeconds of the toleration for unreachable:NoExecute that is added by default to every pod that does not already have such a toleration.' },
];

/** A comma-separated flag value as pflag's StringSlice reads it. */
function splitList(v: string | undefined): string[] {
  if (!v) return [];
  return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** AdmissionOptions from parsed flag values (names as in admissionFlagSpecs). */
export function admissionOptionsFromFlags(values: Record<string, string | undefined>): AdmissionOptions {
  const int = (v: string | undefined) => (v === undefined || v === '' ? 300 : Number.parseInt(v, 10));
  return {
    enablePlugins: splitList(values['enable-admission-plugins']),
    disablePlugins: splitList(values['disable-admission-plugins']),
    configFile: values['admission-control-config-file'] ?? '',
    defaultNotReadyTolerationSeconds: int(values['default-not-ready-toleration-seconds']),
    defaultUnreachableTolerationSeconds: int(values['default-unreachable-toleration-seconds']),
  };
}

/** Default options: the default-on plugins, no configuration file. */
export function defaultAdmissionOptions(): AdmissionOptions {
  return { enablePlugins: [], disablePlugins: [], configFile: '', defaultNotReadyTolerationSeconds: 300, defaultUnreachableTolerationSeconds: 300 };
}

/**
 * kube-apiserver's validation of the flags; each entry is one error text
 * (`enable-admission-plugins plugin "Foo" is unknown`, ...). kube-apiserver
 * exits printing them aggregated.
 */
export function validateAdmissionOptions(opts: AdmissionOptions, registered: readonly string[] = allOrderedPlugins): string[] {
  const known = new Set(registered);
  const errs: string[] = [];
  for (const n of opts.enablePlugins) if (!known.has(n)) errs.push(`enable-admission-plugins plugin ${JSON.stringify(n)} is unknown`);
  for (const n of opts.disablePlugins) if (!known.has(n)) errs.push(`disable-admission-plugins plugin ${JSON.stringify(n)} is unknown`);
  const disabled = new Set(opts.disablePlugins);
  const both = [...new Set(opts.enablePlugins.filter((n) => disabled.has(n)))].sort();
  if (both.length > 0) errs.push(`[${both.join(' ')}] in enable-admission-plugins and disable-admission-plugins overlapped`);
  return errs;
}

/** The enabled plugins, in execution order. */
export function enabledPluginNames(opts: AdmissionOptions): string[] {
  const enabled = new Set(opts.enablePlugins);
  const off = new Set([...allOrderedPlugins.filter((n) => !defaultOnPlugins.has(n)), ...opts.disablePlugins].filter((n) => !enabled.has(n)));
  return allOrderedPlugins.filter((n) => !off.has(n));
}

/** One entry of AdmissionConfiguration.plugins. */
export interface AdmissionPluginConfiguration {
  name: string;
  /** Absolute path of the plugin's own configuration file. */
  path?: string;
  /** The embedded configuration object. */
  configuration?: unknown;
}

const configVersions = new Set(['apiserver.config.k8s.io/v1', 'apiserver.config.k8s.io/v1alpha1', 'apiserver.k8s.io/v1alpha1']);

/**
 * Reads `--admission-control-config-file` (YAML or JSON). Relative `path`s
 * are resolved against the file's folder. A legacy unversioned
 * ImagePolicyWebhook/PodNodeSelector file applies to those plugins. Throws
 * an Error with kube-apiserver's text on failure.
 */
export function readAdmissionConfiguration(file: string, pluginNames: readonly string[] = []): AdmissionPluginConfiguration[] {
  if (file === '') return [];
  let data: string;
  try {
    data = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`unable to read admission control configuration from ${JSON.stringify(file)} [${(err as Error).message}]`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(data);
  } catch (err) {
    throw new Error(`couldn't decode admission control configuration ${JSON.stringify(file)}: ${(err as Error).message}`);
  }
  if (!isJsonObject(doc)) throw new Error(`Object 'Kind' is missing in '${data.trim()}'`);
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  const kind = typeof doc.kind === 'string' ? doc.kind : '';
  if (apiVersion === '' || kind === '') {
    if ('imagePolicy' in doc || 'podNodeSelectorPluginConfig' in doc) {
      return pluginNames.filter((n) => n === 'ImagePolicyWebhook' || n === 'PodNodeSelector').map((name) => ({ name, path: file }));
    }
    throw new Error(apiVersion === '' ? `Object 'apiVersion' is missing in '${JSON.stringify(doc)}'` : `Object 'Kind' is missing in '${JSON.stringify(doc)}'`);
  }
  if (!configVersions.has(apiVersion) || kind !== 'AdmissionConfiguration') {
    throw new Error(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "k8s.io/apiserver/pkg/server/options/admission.go"`);
  }
  const base = dirname(file);
  const plugins = Array.isArray(doc.plugins) ? doc.plugins : [];
  return plugins.filter(isJsonObject).map((p) => {
    const out: AdmissionPluginConfiguration = { name: typeof p.name === 'string' ? p.name : '' };
    if (typeof p.path === 'string' && p.path !== '') out.path = isAbsolute(p.path) ? p.path : join(base, p.path);
    if (p.configuration !== undefined && p.configuration !== null) out.configuration = p.configuration;
    return out;
  });
}

/** The configuration of one plugin: the embedded object, else the decoded file at `path`. */
export function pluginConfigFor(name: string, configs: readonly AdmissionPluginConfiguration[]): unknown {
  const c = configs.find((p) => p.name === name);
  if (!c) return undefined;
  if (c.configuration !== undefined) return c.configuration;
  if (c.path) {
    let text: string;
    try {
      text = readFileSync(c.path, 'utf8');
    } catch (err) {
      throw new Error(`Couldn't open admission plugin configuration ${c.path}: ${(err as Error).message}`);
    }
    return parseYaml(text);
  }
  return undefined;
}

/** Everything buildAdmission produced: the chain and the plugins it runs. */
export interface BuiltAdmission extends Admission {
  /** The plugins of the chain, in execution order. */
  plugins: AdmissionPlugin[];
}

/**
 * Builds the admission chain kube-apiserver would build from these options.
 * `extra` adds factories for plugins implemented elsewhere (webhooks,
 * ValidatingAdmissionPolicy); a default-on plugin nobody implements is left
 * out, an explicitly enabled one is an error. Throws Error with the texts of
 * validateAdmissionOptions or of the configuration reader.
 */
export function buildAdmission(opts: AdmissionOptions, deps: AdmissionDeps, extra: Record<string, PluginFactory> = {}): BuiltAdmission {
  const registry = new AdmissionPlugins();
  registerBuiltinPlugins(registry, opts);
  for (const [name, f] of Object.entries(extra)) registry.register(name, f);
  const errs = validateAdmissionOptions(opts, registry.registered());
  if (errs.length > 0) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  const names = enabledPluginNames(opts);
  let configs: AdmissionPluginConfiguration[];
  try {
    configs = readAdmissionConfiguration(opts.configFile, names);
  } catch (err) {
    throw new Error(`failed to read plugin config: ${(err as Error).message}`);
  }
  const explicitly = new Set(opts.enablePlugins);
  const plugins: AdmissionPlugin[] = [];
  for (const name of names) {
    const factory = registry.factory(name);
    if (!factory) {
      if (explicitly.has(name)) throw new Error(`admission plugin ${JSON.stringify(name)} is not supported by kapi`);
      continue;
    }
    plugins.push(factory(pluginConfigFor(name, configs), deps));
  }
  const chain = newAdmissionChain(plugins);
  return { ...chain, plugins };
}
