/**
 * Pod Security policy selection (pod-security-admission/api, restated):
 * namespace labels `pod-security.kubernetes.io/<mode>` (privileged,
 * baseline, restricted) and `<mode>-version` (`latest`, `v1.<minor>`) over
 * the configured defaults; invalid values fall back to the strictest
 * interpretation (restricted, latest) and are reported as field errors.
 * Also the PodSecurityConfiguration of the AdmissionConfiguration file.
 */
import { asArr, asObj, str } from '../../../validation/json.js';
import { FieldPath, invalid, type FieldError } from '../../../validation/field/errors.js';
import type { Level, Version } from './checks.js';

export const labelPrefix = 'pod-security.kubernetes.io/';
export const modes = ['enforce', 'audit', 'warn'] as const;
export type Mode = (typeof modes)[number];

/** A level at a version. */
export interface LevelVersion {
  level: Level;
  version: Version;
}

/** The effective policy of a namespace. */
export type Policy = Record<Mode, LevelVersion>;

/** `restricted:latest`, `baseline:v1.25`. */
export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version === 'latest' ? 'latest' : `v1.${lv.version}`}`;
}

const levels: Level[] = ['privileged', 'baseline', 'restricted'];

/** ParseLevel: unknown levels are an error and mean restricted. */
export function parseLevel(v: string): { level: Level; error?: string } {
  if ((levels as string[]).includes(v)) return { level: v as Level };
  return { level: 'restricted', error: `must be one of ${levels.join(', ')}` };
}

/** ParseVersion: `latest` or `v1.<minor>`; anything else is an error and means latest. */
export function parseVersion(v: string): { version: Version; error?: string } {
  if (v === 'latest') return { version: 'latest' };
  const m = /^v1\.(0|[1-9][0-9]*)$/.exec(v);
  if (!m) return { version: 'latest', error: 'must be "latest" or "v1.x"' };
  return { version: Number(m[1]) };
}

function levelRank(l: Level): number {
  return levels.indexOf(l);
}

/** PolicyToEvaluate: the namespace labels over the defaults, with the label errors. */
export function policyToEvaluate(labels: Record<string, string> | undefined, defaults: Policy): { policy: Policy; errors: FieldError[] } {
  const policy: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: FieldError[] = [];
  if (!labels || Object.keys(labels).length === 0) return { policy, errors };
  const path = FieldPath.of('metadata', 'labels');
  let hasEnforceLevel = false;
  let hasWarnLevel = false;
  let hasWarnVersion = false;
  for (const mode of modes) {
    const levelKey = `${labelPrefix}${mode}`;
    const level = labels[levelKey];
    if (level !== undefined) {
      const r = parseLevel(level);
      policy[mode].level = r.level;
      if (r.error) errors.push(invalid(path.key(levelKey), level, r.error));
      else if (mode === 'enforce') hasEnforceLevel = true;
      if (mode === 'warn') hasWarnLevel = true;
    }
    const versionKey = `${labelPrefix}${mode}-version`;
    const version = labels[versionKey];
    if (version !== undefined) {
      const r = parseVersion(version);
      policy[mode].version = r.version;
      if (r.error) errors.push(invalid(path.key(versionKey), version, r.error));
      if (mode === 'warn') hasWarnVersion = true;
    }
  }
  // Warn defaults to a stricter explicit enforce level.
  if (!hasWarnLevel && hasEnforceLevel && levelRank(policy.enforce.level) > levelRank(policy.warn.level)) {
    policy.warn.level = policy.enforce.level;
    if (!hasWarnVersion) policy.warn.version = policy.enforce.version;
  }
  return { policy, errors };
}

/** PodSecurityConfiguration (defaults and exemptions). */
export interface PodSecurityConfiguration {
  defaults: Policy;
  exemptions: { usernames: string[]; namespaces: string[]; runtimeClasses: string[] };
}

/** The configuration with nothing set: privileged:latest everywhere, no exemptions. */
export function defaultPodSecurityConfiguration(): PodSecurityConfiguration {
  const pl = (): LevelVersion => ({ level: 'privileged', version: 'latest' });
  return { defaults: { enforce: pl(), audit: pl(), warn: pl() }, exemptions: { usernames: [], namespaces: [], runtimeClasses: [] } };
}

const configVersions = new Set(['pod-security.admission.config.k8s.io/v1', 'pod-security.admission.config.k8s.io/v1beta1', 'pod-security.admission.config.k8s.io/v1alpha1']);

/** Decodes a PodSecurityConfiguration object; throws Error with the reason on bad input. */
export function parsePodSecurityConfiguration(config: unknown): PodSecurityConfiguration {
  const out = defaultPodSecurityConfiguration();
  const o = asObj(config);
  if (!o) return out;
  const apiVersion = str(o.apiVersion);
  if (apiVersion !== '' && (!configVersions.has(apiVersion) || str(o.kind) !== 'PodSecurityConfiguration')) {
    throw new Error(`no kind ${JSON.stringify(str(o.kind))} is registered for version ${JSON.stringify(apiVersion)} in scheme "k8s.io/pod-security-admission/admission/api/scheme/scheme.go"`);
  }
  const d = asObj(o.defaults) ?? {};
  const errs: string[] = [];
  for (const mode of modes) {
    const lv = str(d[mode]);
    if (lv !== '') {
      const r = parseLevel(lv);
      if (r.error) errs.push(`defaults.${mode}: Invalid value: ${JSON.stringify(lv)}: ${r.error}`);
      out.defaults[mode].level = r.level;
    }
    const vv = str(d[`${mode}-version`]);
    if (vv !== '') {
      const r = parseVersion(vv);
      if (r.error) errs.push(`defaults.${mode}-version: Invalid value: ${JSON.stringify(vv)}: ${r.error}`);
      out.defaults[mode].version = r.version;
    }
  }
  if (errs.length > 0) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  const ex = asObj(o.exemptions) ?? {};
  out.exemptions = {
    usernames: (asArr(ex.usernames) ?? []).map(str),
    namespaces: (asArr(ex.namespaces) ?? []).map(str),
    runtimeClasses: (asArr(ex.runtimeClasses) ?? []).map(str),
  };
  return out;
}
