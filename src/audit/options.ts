/**
 * Audit options: kube-apiserver's `--audit-*` flags with their defaults, their
 * validation, and `newAuditor`, which builds the policy evaluator and the
 * backends (log, webhook) the filters write to.
 */
import type { FlagSpec, FlagValues } from '../options/flags.js';
import { parseDuration } from '../options/flags.js';
import type { BatchOptions } from './buffered.js';
import { BufferedBackend } from './buffered.js';
import type { Filter } from '../server/chain.js';
import { withAuditFilters, type AuditSetup } from './filter.js';
import { LogBackend, newLineWriter, type LogFormat } from './log.js';
import { loadPolicyFile, newPolicyRuleEvaluator } from './policy.js';
import { unionBackend, type AuditBackend } from './sink.js';
import { defaultRetryBackoff, loadWebhookKubeconfig, newWebhookBackend, type WebhookMode } from './webhook.js';

const int = (name: string, def: string, help: string): FlagSpec => ({ name, type: 'int', default: def, help });
const str = (name: string, def: string, help: string): FlagSpec => ({ name, type: 'string', default: def, help });
const bool = (name: string, def: string, help: string): FlagSpec => ({ name, type: 'bool', default: def, help });
const dur = (name: string, def: string, help: string): FlagSpec => ({ name, type: 'duration', default: def, help });

/** kube-apiserver's audit flags (log and webhook backends), with kube-apiserver's defaults. */
export const auditFlags: FlagSpec[] = [
  str('audit-policy-file', '', 'Path to the file that defines the audit policy configuration (audit.k8s.io/v1 Policy).'),
  str('audit-log-path', '', "If set, all requests coming to the apiserver will be logged to this file. '-' means standard out."),
  int('audit-log-maxage', '0', 'The maximum number of days to retain old audit log files based on the timestamp encoded in their filename.'),
  int('audit-log-maxbackup', '0', 'The maximum number of old audit log files to retain. Setting a value of 0 will mean there\'s no restriction on the number of files.'),
  int('audit-log-maxsize', '0', 'The maximum size in megabytes of the audit log file before it gets rotated (0 means 100).'),
  bool('audit-log-compress', 'false', 'If set, the rotated log files will be compressed using gzip.'),
  str('audit-log-format', 'json', 'Format of saved audits. "legacy" indicates 1-line text format for each event. "json" indicates structured json format. Known formats are legacy,json.'),
  str('audit-log-mode', 'blocking', 'Strategy for sending audit events. Blocking indicates sending events should block server responses. Batch causes the backend to buffer and write events asynchronously. Known modes are batch,blocking,blocking-strict.'),
  int('audit-log-batch-buffer-size', '10000', 'The size of the buffer to store events before batching and writing. Only used in batch mode.'),
  int('audit-log-batch-max-size', '1', 'The maximum size of a batch. Only used in batch mode.'),
  dur('audit-log-batch-max-wait', '0s', 'The amount of time to wait before force writing the batch that hadn\'t reached the max size. Only used in batch mode.'),
  bool('audit-log-batch-throttle-enable', 'false', 'Whether batching throttling is enabled. Only used in batch mode.'),
  str('audit-log-batch-throttle-qps', '0', 'Maximum average number of batches per second. Only used in batch mode.'),
  int('audit-log-batch-throttle-burst', '0', 'Maximum number of requests sent at the same moment if ThrottleQPS was not utilized before. Only used in batch mode.'),
  str('audit-log-version', 'audit.k8s.io/v1', 'API group and version used for serializing audit events written to log.'),
  str('audit-webhook-config-file', '', 'Path to a kubeconfig formatted file that defines the audit webhook configuration.'),
  dur('audit-webhook-initial-backoff', '10s', 'The amount of time to wait before retrying the first failed request.'),
  str('audit-webhook-mode', 'batch', 'Strategy for sending audit events. Blocking indicates sending events should block server responses. Batch causes the backend to buffer and write events asynchronously. Known modes are batch,blocking,blocking-strict.'),
  int('audit-webhook-batch-buffer-size', '10000', 'The size of the buffer to store events before batching and writing. Only used in batch mode.'),
  int('audit-webhook-batch-max-size', '400', 'The maximum size of a batch. Only used in batch mode.'),
  dur('audit-webhook-batch-max-wait', '30s', 'The amount of time to wait before force writing the batch that hadn\'t reached the max size. Only used in batch mode.'),
  bool('audit-webhook-batch-throttle-enable', 'true', 'Whether batching throttling is enabled. Only used in batch mode.'),
  str('audit-webhook-batch-throttle-qps', '10', 'Maximum average number of batches per second. Only used in batch mode.'),
  int('audit-webhook-batch-throttle-burst', '15', 'Maximum number of requests sent at the same moment if ThrottleQPS was not utilized before. Only used in batch mode.'),
  str('audit-webhook-version', 'audit.k8s.io/v1', 'API group and version used for serializing audit events written to webhook.'),
];

const modes = ['batch', 'blocking', 'blocking-strict'];

/** Validated audit options. */
export interface AuditOptions {
  policyFile: string;
  log: {
    path: string;
    maxAgeDays: number;
    maxBackups: number;
    maxSizeMB: number;
    compress: boolean;
    format: LogFormat;
    mode: WebhookMode;
    batch: BatchOptions;
  };
  webhook: {
    configFile: string;
    initialBackoffMs: number;
    mode: WebhookMode;
    batch: BatchOptions;
  };
}

function flagDefaults(): FlagValues {
  return Object.fromEntries(auditFlags.map((f) => [f.name, f.default]));
}

function batchOptions(v: FlagValues, prefix: string, errs: string[]): BatchOptions {
  const bufferSize = Number(v[`${prefix}-batch-buffer-size`]);
  const maxBatchSize = Number(v[`${prefix}-batch-max-size`]);
  const maxBatchWaitMs = parseDuration(v[`${prefix}-batch-max-wait`]) ?? 0;
  const qps = Number(v[`${prefix}-batch-throttle-qps`]);
  const burst = Number(v[`${prefix}-batch-throttle-burst`]);
  const throttle = /^(1|t|T|true|TRUE|True)$/.test(v[`${prefix}-batch-throttle-enable`]);
  if (!(bufferSize > 0)) errs.push(`invalid audit batch ${prefix.replace('audit-', '')} buffer size ${bufferSize}, must be a positive number`);
  if (!(maxBatchSize > 0)) errs.push(`invalid audit batch ${prefix.replace('audit-', '')} max batch size ${maxBatchSize}, must be a positive number`);
  if (throttle && !(qps > 0)) errs.push(`invalid audit batch ${prefix.replace('audit-', '')} throttle QPS ${v[`${prefix}-batch-throttle-qps`]}, must be a positive number`);
  if (throttle && !(burst > 0)) errs.push(`invalid audit batch ${prefix.replace('audit-', '')} throttle burst ${burst}, must be a positive number`);
  return throttle ? { bufferSize, maxBatchSize, maxBatchWaitMs, throttle: { qps, burst } } : { bufferSize, maxBatchSize, maxBatchWaitMs };
}

/** Reads and validates the audit flags (kube-apiserver's messages); throws listing every problem. */
export function auditOptionsFrom(values: FlagValues): AuditOptions {
  const v = { ...flagDefaults(), ...values };
  const errs: string[] = [];
  for (const name of ['audit-log-maxage', 'audit-log-maxbackup', 'audit-log-maxsize']) {
    if (Number(v[name]) < 0) errs.push(`--${name} can't be a negative number`);
  }
  const format = v['audit-log-format'];
  if (format !== 'json' && format !== 'legacy') errs.push(`invalid audit log format ${format}, allowed formats are "legacy,json"`);
  for (const which of ['log', 'webhook']) {
    const mode = v[`audit-${which}-mode`];
    if (!modes.includes(mode)) errs.push(`invalid audit ${which} mode ${mode}, allowed modes are "${modes.join(',')}"`);
    const version = v[`audit-${which}-version`];
    if (version !== 'audit.k8s.io/v1') errs.push(`invalid audit ${which} version ${version}, only "audit.k8s.io/v1" is supported`);
  }
  const logBatch = batchOptions(v, 'audit-log', errs);
  const webhookBatch = batchOptions(v, 'audit-webhook', errs);
  const initialBackoffMs = parseDuration(v['audit-webhook-initial-backoff']) ?? 10_000;
  if (initialBackoffMs <= 0) errs.push(`invalid audit webhook initial backoff, must be a positive number`);
  if (errs.length > 0) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  return {
    policyFile: v['audit-policy-file'],
    log: {
      path: v['audit-log-path'],
      maxAgeDays: Number(v['audit-log-maxage']),
      maxBackups: Number(v['audit-log-maxbackup']),
      maxSizeMB: Number(v['audit-log-maxsize']),
      compress: /^(1|t|T|true|TRUE|True)$/.test(v['audit-log-compress']),
      format: format as LogFormat,
      mode: v['audit-log-mode'] as WebhookMode,
      batch: logBatch,
    },
    webhook: {
      configFile: v['audit-webhook-config-file'],
      initialBackoffMs,
      mode: v['audit-webhook-mode'] as WebhookMode,
      batch: webhookBatch,
    },
  };
}

/** A running audit pipeline. */
export interface Auditor extends AuditSetup {
  /** The chain with the audit filters in kube-apiserver's positions. */
  filters(chain: readonly Filter[]): Filter[];
  /** Flushes buffered events and closes files; call after the listener stopped. */
  shutdown(): Promise<void>;
}

/**
 * Builds the audit pipeline, or undefined when auditing is off (no backend,
 * or no policy: as kube-apiserver, backends without a policy record nothing).
 * Throws with kube-apiserver's messages for a bad policy or webhook config.
 */
export function newAuditor(opts: AuditOptions, log: (line: string) => void): Auditor | undefined {
  const hasBackend = opts.log.path !== '' || opts.webhook.configFile !== '';
  if (!hasBackend) return undefined;
  if (opts.policyFile === '') {
    log('kapi: no audit policy file provided (--audit-policy-file), no events will be recorded');
    return undefined;
  }
  const evaluator = newPolicyRuleEvaluator(loadPolicyFile(opts.policyFile));
  const backends: AuditBackend[] = [];
  if (opts.log.path !== '') {
    const writer = newLineWriter(opts.log.path, {
      maxSizeBytes: opts.log.maxSizeMB * 1024 * 1024,
      maxBackups: opts.log.maxBackups,
      maxAgeDays: opts.log.maxAgeDays,
      compress: opts.log.compress,
    });
    const logBackend = new LogBackend(writer, opts.log.format, log);
    if (opts.log.mode === 'batch') {
      const buffered = new BufferedBackend('log', (events) => logBackend.writeBatch(events), opts.log.batch, log);
      backends.push({
        name: 'log',
        processEvents: (events) => buffered.processEvents(events),
        shutdown: async () => {
          await buffered.shutdown();
          await logBackend.shutdown();
        },
      });
    } else {
      backends.push(logBackend);
    }
  }
  if (opts.webhook.configFile !== '') {
    const target = loadWebhookKubeconfig(opts.webhook.configFile);
    backends.push(newWebhookBackend({ target, mode: opts.webhook.mode, backoff: defaultRetryBackoff(opts.webhook.initialBackoffMs), batch: opts.webhook.batch }, log));
  }
  const backend = unionBackend(backends);
  const setup: AuditSetup = { evaluator, backend };
  return {
    ...setup,
    filters: (chain) => withAuditFilters(chain, setup),
    shutdown: () => backend.shutdown(),
  };
}
