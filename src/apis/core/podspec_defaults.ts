/**
 * Defaulting of pod specs and pod templates as core/v1's defaulters apply
 * them when a request body is decoded (pkg/apis/core/v1/defaults.go and the
 * generated defaulters): PodSpec, containers, ports, probes, env, volumes,
 * resource lists. Pod-only defaults (enableServiceLinks, requests from
 * limits, host ports under hostNetwork) apply to Pod objects only.
 */
import { asArr, asObj, ensureObj, objs, setDefault, type Obj } from '../../validation/json.js';
import { defaultPullPolicy } from './image.js';
import { canonicalizeResourceList } from './resources.js';

/** Every volume source field of core/v1 Volume. */
export const volumeSourceKeys = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function defaultFieldRef(ref: unknown): void {
  const r = asObj(ref);
  if (r) setDefault(r, 'apiVersion', 'v1');
}

function defaultHTTPGet(h: unknown): void {
  const g = asObj(h);
  if (!g) return;
  if (g.path === undefined || g.path === null || g.path === '') g.path = '/';
  if (g.scheme === undefined || g.scheme === null || g.scheme === '') g.scheme = 'HTTP';
}

function defaultProbe(p: unknown): void {
  const probe = asObj(p);
  if (!probe) return;
  for (const [k, v] of [
    ['timeoutSeconds', 1],
    ['periodSeconds', 10],
    ['successThreshold', 1],
    ['failureThreshold', 3],
  ] as const) {
    if (probe[k] === undefined || probe[k] === null || probe[k] === 0) probe[k] = v;
  }
  defaultHTTPGet(probe.httpGet);
  const grpc = asObj(probe.grpc);
  if (grpc) setDefault(grpc, 'service', '');
}

/** Defaults of one container (also used for init and ephemeral containers). */
export function defaultContainer(c: Obj): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === null || c.imagePullPolicy === '') {
    c.imagePullPolicy = defaultPullPolicy(typeof c.image === 'string' ? c.image : '');
  }
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const port of objs(c, 'ports')) if (!port.protocol) port.protocol = 'TCP';
  for (const env of objs(c, 'env')) defaultFieldRef(asObj(env.valueFrom)?.fieldRef);
  const resources = ensureObj(c, 'resources');
  canonicalizeResourceList(resources.limits);
  canonicalizeResourceList(resources.requests);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lifecycle = asObj(c.lifecycle);
  if (lifecycle) {
    for (const h of [lifecycle.postStart, lifecycle.preStop]) defaultHTTPGet(asObj(h)?.httpGet);
  }
}

function defaultKeyProjections(source: Obj): void {
  for (const item of objs(source, 'items')) defaultFieldRef(item.fieldRef);
}

/** Defaults of one volume (emptyDir when no source, file modes, source-specific defaults). */
export function defaultVolume(v: Obj): void {
  if (!volumeSourceKeys.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  const secret = asObj(v.secret);
  if (secret) setDefault(secret, 'defaultMode', 420);
  const configMap = asObj(v.configMap);
  if (configMap) setDefault(configMap, 'defaultMode', 420);
  const downward = asObj(v.downwardAPI);
  if (downward) {
    setDefault(downward, 'defaultMode', 420);
    defaultKeyProjections(downward);
  }
  const projected = asObj(v.projected);
  if (projected) {
    setDefault(projected, 'defaultMode', 420);
    for (const src of objs(projected, 'sources')) {
      const d = asObj(src.downwardAPI);
      if (d) defaultKeyProjections(d);
      const sat = asObj(src.serviceAccountToken);
      if (sat) setDefault(sat, 'expirationSeconds', 3600);
    }
  }
  const hostPath = asObj(v.hostPath);
  if (hostPath) setDefault(hostPath, 'type', '');
  const iscsi = asObj(v.iscsi);
  if (iscsi) setDefault(iscsi, 'iscsiInterface', 'default');
  const rbd = asObj(v.rbd);
  if (rbd) {
    setDefault(rbd, 'pool', 'rbd');
    setDefault(rbd, 'user', 'admin');
    setDefault(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = asObj(v.azureDisk);
  if (azureDisk) {
    setDefault(azureDisk, 'cachingMode', 'ReadWrite');
    setDefault(azureDisk, 'fsType', 'ext4');
    setDefault(azureDisk, 'readOnly', false);
    setDefault(azureDisk, 'kind', 'Shared');
  }
  const scaleIO = asObj(v.scaleIO);
  if (scaleIO) {
    setDefault(scaleIO, 'storageMode', 'ThinProvisioned');
    setDefault(scaleIO, 'fsType', 'xfs');
  }
  const ephemeral = asObj(asObj(v.ephemeral)?.volumeClaimTemplate);
  if (ephemeral) {
    const spec = ensureObj(ephemeral, 'spec');
    setDefault(spec, 'volumeMode', 'Filesystem');
    canonicalizeResourceList(asObj(spec.resources)?.requests);
    canonicalizeResourceList(asObj(spec.resources)?.limits);
  }
}

/**
 * Keeps the deprecated `serviceAccount` field equal to `serviceAccountName`,
 * as core/v1 conversion does in both directions (old clients send only
 * `serviceAccount`; responses always carry both).
 */
export function syncDeprecatedServiceAccount(spec: Obj): void {
  const name = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : '';
  const deprecated = typeof spec.serviceAccount === 'string' ? spec.serviceAccount : '';
  if (name === '' && deprecated !== '') spec.serviceAccountName = deprecated;
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
}

/** SetDefaults_PodSpec plus the nested defaulters (containers, volumes). */
export function defaultPodSpec(spec: Obj): void {
  syncDeprecatedServiceAccount(spec);
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) for (const c of objs(spec, key)) defaultContainer(c);
  for (const v of objs(spec, 'volumes')) defaultVolume(v);
  const overhead = asObj(spec.overhead);
  if (overhead) canonicalizeResourceList(overhead);
  const podResources = asObj(spec.resources);
  if (podResources) {
    canonicalizeResourceList(podResources.limits);
    canonicalizeResourceList(podResources.requests);
  }
}

/** SetDefaults_Pod: the defaults that exist only on Pod objects. */
export function defaultPodOnly(spec: Obj): void {
  for (const key of ['containers', 'initContainers']) {
    for (const c of objs(spec, key)) {
      const res = ensureObj(c, 'resources');
      const limits = asObj(res.limits);
      if (!limits) continue;
      const requests = ensureObj(res, 'requests');
      for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers']) {
      for (const c of objs(spec, key)) {
        for (const p of objs(c, 'ports')) if (!p.hostPort) p.hostPort = p.containerPort;
      }
    }
  }
}

/**
 * Go writes the zero ObjectMeta of an embedded template as
 * `{"creationTimestamp": null}`; kube-apiserver 1.33 returns it that way.
 */
export function defaultTemplateMeta(template: Obj): void {
  const meta = ensureObj(template, 'metadata');
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
}

/** Defaults of a PodTemplateSpec (`template` of workloads and PodTemplates). */
export function defaultPodTemplateSpec(template: Obj): void {
  defaultTemplateMeta(template);
  defaultPodSpec(ensureObj(template, 'spec'));
}

/** True when the value is a non-empty array. */
export function hasItems(v: unknown): boolean {
  return (asArr(v)?.length ?? 0) > 0;
}
