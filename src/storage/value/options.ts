/**
 * Encryption at rest options: kube-apiserver's flags, the holder that lets a
 * reloaded configuration replace the transformers in place, and the wiring
 * helper that wraps a backend KV.
 */
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { FlagSpec, FlagValues } from '../../options/flags.js';
import type { KV } from '../kv/interface.js';
import { loadEncryptionConfiguration, type GroupResource, type ResourceTransformers } from './config.js';
import { encryptingKV, newKeyResolver, storagePrefixesOf, type StoredResource, type TransformerSource } from './kv.js';
import type { ValueTransformer } from './transformer.js';

/** kube-apiserver's encryption flags, with their defaults. */
export const encryptionFlags: FlagSpec[] = [
  {
    name: 'encryption-provider-config',
    type: 'string',
    default: '',
    help: 'The file containing configuration for encryption providers to be used for storing secrets (and other resources) at rest (apiserver.config.k8s.io/v1 EncryptionConfiguration).',
  },
  {
    name: 'encryption-provider-config-automatic-reload',
    type: 'bool',
    default: 'false',
    help: 'Determines if the file set by --encryption-provider-config should be automatically reloaded if the disk contents change.',
  },
];

export interface EncryptionOptions {
  /** `--encryption-provider-config` ('' = no encryption). */
  configFile: string;
  /** `--encryption-provider-config-automatic-reload`. */
  automaticReload: boolean;
}

/** Reads the encryption flags from parsed flag values. */
export function encryptionOptionsFrom(values: FlagValues): EncryptionOptions {
  const reload = /^(1|t|T|true|TRUE|True)$/.test(values['encryption-provider-config-automatic-reload'] ?? 'false');
  const configFile = values['encryption-provider-config'] ?? '';
  if (reload && configFile === '') throw new Error('--encryption-provider-config-automatic-reload must be set with --encryption-provider-config');
  return { configFile, automaticReload: reload };
}

/** Transformers that a reload can replace while the server runs. */
export class DynamicTransformers implements TransformerSource {
  constructor(private current: ResourceTransformers) {}

  transformerFor(gr: GroupResource): ValueTransformer {
    return this.current.transformerFor(gr);
  }

  /** The active configuration. */
  get(): ResourceTransformers {
    return this.current;
  }

  set(next: ResourceTransformers): void {
    this.current = next;
  }
}

/** What `withEncryption` returns: the wrapped KV and a stop function for the reload watcher. */
export interface EncryptionSetup {
  kv: KV;
  /** The active transformers (undefined without a configuration). */
  transformers?: DynamicTransformers;
  stop(): void;
}

/**
 * Wraps `kv` with encryption at rest per `opts` (returns `kv` itself when no
 * configuration is given). Fails at startup, with kube-apiserver's messages,
 * on an invalid file. With automatic reload, a changed file replaces the
 * transformers; a broken one is logged and the previous ones stay.
 */
export function withEncryption(
  kv: KV,
  opts: EncryptionOptions,
  resources: readonly StoredResource[],
  log: (line: string) => void,
  extra: { authenticatedData?: (key: string) => Buffer; pollIntervalMs?: number } = {},
): EncryptionSetup {
  if (opts.configFile === '') {
    return { kv, stop: () => undefined };
  }
  const transformers = new DynamicTransformers(loadEncryptionConfiguration(opts.configFile));
  const wrapped = encryptingKV(kv, transformers, { resolve: newKeyResolver(storagePrefixesOf(resources)), authenticatedData: extra.authenticatedData });
  if (!opts.automaticReload) return { kv: wrapped, transformers, stop: () => undefined };
  const stop = watchEncryptionConfiguration(opts.configFile, transformers, log, extra.pollIntervalMs ?? 60_000);
  return { kv: wrapped, transformers, stop };
}

/** Watches the file (directory events plus a periodic check) and swaps in valid new configurations. */
export function watchEncryptionConfiguration(path: string, target: DynamicTransformers, log: (line: string) => void, pollIntervalMs: number): () => void {
  const hashOf = () => {
    try {
      return createHash('sha256').update(readFileSync(path)).digest('hex');
    } catch {
      return '';
    }
  };
  let lastHash = hashOf();
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const h = hashOf();
    if (h === '' || h === lastHash) return;
    try {
      target.set(loadEncryptionConfiguration(path));
      lastHash = h;
      log(`kapi: reloaded encryption provider configuration from ${path}`);
    } catch (err) {
      lastHash = h;
      log(`kapi: failed to reload encryption provider configuration from ${path}, keeping the previous one: ${(err as Error).message}`);
    }
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 100);
    timer.unref();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), schedule);
    watcher.unref();
  } catch {
    /* polling only */
  }
  const poll = setInterval(check, pollIntervalMs);
  poll.unref();
  return () => {
    watcher?.close();
    clearInterval(poll);
    if (timer) clearTimeout(timer);
  };
}
