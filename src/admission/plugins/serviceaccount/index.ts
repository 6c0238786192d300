/**
 * ServiceAccount (plugin/pkg/admission/serviceaccount, restated), for pod
 * creates:
 * - an empty `spec.serviceAccountName` becomes `default`;
 * - the ServiceAccount must exist (403 `error looking up service account
 *   ns/name: serviceaccount "name" not found`); `default` is looked up a few
 *   times, since a controller creates it right after the namespace;
 * - unless the pod (first) or the ServiceAccount says
 *   `automountServiceAccountToken: false`, every container and init container
 *   without a mount at /var/run/secrets/kubernetes.io/serviceaccount gets one
 *   of a projected `kube-api-access-xxxxx` volume (token, kube-root-ca.crt,
 *   namespace);
 * - a pod without imagePullSecrets gets the ServiceAccount's;
 * - with the `kubernetes.io/enforce-mountable-secrets: "true"` annotation,
 *   only secrets the ServiceAccount lists may be used;
 * - mirror pods may reference neither service accounts nor secrets.
 */
import { newNotFound } from '../../../runtime/errors.js';
import type { KubeObject } from '../../../runtime/object.js';
import { generateName } from '../../../registry/generic/meta.js';
import { asObj, objs, str, type Obj } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin, Attributes } from '../../interfaces.js';
import { admissionForbidden } from '../../util/errors.js';

export const PluginName = 'ServiceAccount';
export const DefaultServiceAccountName = 'default';
export const DefaultAPITokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
export const ServiceAccountVolumeName = 'kube-api-access';
export const EnforceMountableSecretsAnnotation = 'kubernetes.io/enforce-mountable-secrets';
export const MirrorPodAnnotation = 'kubernetes.io/config.mirror';
/** Bound token lifetime the projected volume asks for (an hour plus seven seconds). */
export const WarnOnlyBoundTokenExpirationSeconds = 3607;

/** The projected volume source the plugin adds (TokenVolumeSource). */
export function tokenVolumeSource(): Obj {
  return {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: WarnOnlyBoundTokenExpirationSeconds, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/** Options for tests: lookup retries of the default ServiceAccount. */
export interface ServiceAccountOptions {
  /** Attempts for `default` (10) and the wait between them in ms (100–200 random). */
  defaultAttempts?: number;
  retryIntervalMs?: () => number;
}

function ignored(attrs: Attributes): boolean {
  if (attrs.group !== '' || attrs.resource !== 'pods') return true;
  if (attrs.subresource !== '' && attrs.subresource !== 'ephemeralcontainers') return true;
  return attrs.object === null;
}

function specOf(pod: KubeObject): Obj {
  if (!asObj(pod.spec)) pod.spec = {};
  return pod.spec as Obj;
}

function isMirrorPod(pod: KubeObject): boolean {
  return pod.metadata?.annotations?.[MirrorPodAnnotation] !== undefined;
}

/** Every secret a pod references (volumes, projections, env, envFrom, imagePullSecrets). */
function podReferencesSecrets(spec: Obj): boolean {
  for (const v of objs(spec, 'volumes')) {
    if (asObj(v.secret)) return true;
    for (const s of objs(asObj(v.projected), 'sources')) if (asObj(s.secret)) return true;
    for (const key of ['azureFile', 'cephfs', 'cinder', 'flexVolume', 'iscsi', 'rbd', 'scaleIO', 'storageos', 'csi']) {
      const src = asObj(v[key]);
      if (src && (asObj(src.secretRef) || asObj(src.nodePublishSecretRef) || src.secretName)) return true;
    }
  }
  for (const c of [...objs(spec, 'initContainers'), ...objs(spec, 'containers'), ...objs(spec, 'ephemeralContainers')]) {
    for (const e of objs(c, 'env')) if (asObj(asObj(e.valueFrom)?.secretKeyRef)) return true;
    for (const e of objs(c, 'envFrom')) if (asObj(e.secretRef)) return true;
  }
  return objs(spec, 'imagePullSecrets').length > 0;
}

/** The ServiceAccount plugin. */
export function newServiceAccount(deps: AdmissionDeps, opts: ServiceAccountOptions = {}): AdmissionPlugin {
  const attempts = opts.defaultAttempts ?? 10;
  const interval = opts.retryIntervalMs ?? (() => 100 + Math.floor(Math.random() * 100));

  async function getServiceAccount(namespace: string, name: string): Promise<KubeObject> {
    const n = name === DefaultServiceAccountName ? attempts : 1;
    for (let i = 0; i < n; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, interval()));
      const sa = await deps.get('', 'serviceaccounts', namespace, name);
      if (sa) return sa;
    }
    throw newNotFound({ group: '', resource: 'serviceaccount' }, name);
  }

  async function lookup(attrs: Attributes, name: string): Promise<KubeObject> {
    try {
      return await getServiceAccount(attrs.namespace, name);
    } catch (err) {
      throw admissionForbidden(attrs, `error looking up service account ${attrs.namespace}/${name}: ${(err as Error).message}`);
    }
  }

  function mountToken(pod: KubeObject): void {
    const spec = specOf(pod);
    let volumeName = '';
    let hasVolume = false;
    for (const v of objs(spec, 'volumes')) {
      if (str(v.name).startsWith(`${ServiceAccountVolumeName}-`)) {
        volumeName = str(v.name);
        hasVolume = true;
        break;
      }
    }
    if (volumeName === '') volumeName = generateName(`${ServiceAccountVolumeName}-`);
    let needsVolume = false;
    for (const key of ['initContainers', 'containers']) {
      for (const c of objs(spec, key)) {
        const mounts = objs(c, 'volumeMounts');
        if (mounts.some((m) => m.mountPath === DefaultAPITokenMountPath)) continue;
        c.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: DefaultAPITokenMountPath }];
        needsVolume = true;
      }
    }
    if (!hasVolume && needsVolume) spec.volumes = [...objs(spec, 'volumes'), { name: volumeName, projected: tokenVolumeSource() }];
  }

  function limitSecretReferences(sa: KubeObject, spec: Obj): string | undefined {
    const saName = sa.metadata?.name ?? '';
    const mountable = new Set(objs(sa as Obj, 'secrets').map((s) => str(s.name)));
    for (const v of objs(spec, 'volumes')) {
      const secret = asObj(v.secret);
      if (secret && !mountable.has(str(secret.secretName))) {
        return `volume with secret.secretName="${str(secret.secretName)}" is not allowed because service account ${saName} does not reference that secret`;
      }
    }
    for (const [key, label] of [['initContainers', 'init container'], ['containers', 'container']] as const) {
      for (const c of objs(spec, key)) {
        for (const e of objs(c, 'env')) {
          const ref = asObj(asObj(e.valueFrom)?.secretKeyRef);
          if (ref && !mountable.has(str(ref.name))) {
            return `${label} ${str(c.name)} with envVar ${str(e.name)} referencing secret.secretName="${str(ref.name)}" is not allowed because service account ${saName} does not reference that secret`;
          }
        }
        for (const e of objs(c, 'envFrom')) {
          const ref = asObj(e.secretRef);
          if (ref && !mountable.has(str(ref.name))) {
            return `${label} ${str(c.name)} with envFrom referencing secret.secretName="${str(ref.name)}" is not allowed because service account ${saName} does not reference that secret`;
          }
        }
      }
    }
    const pullable = new Set(objs(sa as Obj, 'imagePullSecrets').map((s) => str(s.name)));
    const pulls = objs(spec, 'imagePullSecrets');
    for (let i = 0; i < pulls.length; i++) {
      if (!pullable.has(str(pulls[i].name))) {
        return `imagePullSecrets[${i}].name="${str(pulls[i].name)}" is not allowed because service account ${saName} does not reference that imagePullSecret`;
      }
    }
    return undefined;
  }

  async function validate(attrs: Attributes): Promise<void> {
    if (ignored(attrs) || attrs.operation !== 'CREATE' || attrs.subresource !== '') return;
    const pod = attrs.object as KubeObject;
    const spec = specOf(pod);
    if (isMirrorPod(pod)) {
      if (str(spec.serviceAccountName) !== '') throw admissionForbidden(attrs, 'a mirror pod may not reference service accounts');
      if (podReferencesSecrets(spec)) throw admissionForbidden(attrs, 'a mirror pod may not reference secrets');
      for (const v of objs(spec, 'volumes')) {
        for (const s of objs(asObj(v.projected), 'sources')) {
          if (asObj(s.serviceAccountToken)) throw admissionForbidden(attrs, 'a mirror pod may not use ServiceAccountToken volume projections');
        }
      }
      return;
    }
    const name = str(spec.serviceAccountName);
    if (name === '') throw admissionForbidden(attrs, `no service account specified for pod ${attrs.namespace}/${pod.metadata?.name ?? ''}`);
    const sa = await lookup(attrs, name);
    if (sa.metadata?.annotations?.[EnforceMountableSecretsAnnotation] === 'true') {
      const why = limitSecretReferences(sa, spec);
      if (why) throw admissionForbidden(attrs, why);
    }
  }

  return {
    name: PluginName,
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    async admit(attrs) {
      if (ignored(attrs) || attrs.operation !== 'CREATE' || attrs.subresource !== '') return;
      const pod = attrs.object as KubeObject;
      if (isMirrorPod(pod)) return validate(attrs);
      const spec = specOf(pod);
      if (str(spec.serviceAccountName) === '') spec.serviceAccountName = str(spec.serviceAccount) || DefaultServiceAccountName;
      const sa = await lookup(attrs, str(spec.serviceAccountName));
      const automount = typeof spec.automountServiceAccountToken === 'boolean' ? spec.automountServiceAccountToken : typeof sa.automountServiceAccountToken === 'boolean' ? sa.automountServiceAccountToken : true;
      if (automount) mountToken(pod);
      if (objs(spec, 'imagePullSecrets').length === 0) {
        const fromSa = objs(sa as Obj, 'imagePullSecrets').map((s) => ({ name: str(s.name) }));
        if (fromSa.length > 0) spec.imagePullSecrets = fromSa;
      }
      return validate(attrs);
    },
    validate,
  };
}
