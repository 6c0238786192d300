/**
 * Printers for core/v1 kinds other than Pod and Event (see pod.ts, event.ts).
 * Kinds absent here (LimitRange, Binding, ...) use the default convertor.
 */
import type { KubeObject } from '../runtime/object.js';
import { field, has, list, mapLen, num, record, str, stringMap } from './access.js';
import {
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  NAME_COLUMN,
  accessModes,
  col,
  containerCells,
  formatLabels,
  quantity,
  sortedSet,
  wide,
} from './format.js';
import { ageOf, nameOf } from './common.js';
import type { PrinterTableConvertor } from './types.js';

const orNone = (s: string): string => (s === '' ? '<none>' : s);

/** The annotation that, when present, overrides storageClassName on PVs and PVCs. */
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** PodTemplates: Name, Containers, Images, Pod Labels (no Age). */
export const podTemplateConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Containers', 'string', 'The names of the containers in the template.'),
    col('Images', 'string', 'The images the containers of the template run.'),
    col('Pod Labels', 'string', 'The labels pods created from the template get.'),
  ],
  cells(o) {
    const [names, images] = containerCells(list(o, 'template', 'spec', 'containers'));
    return [nameOf(o), names, images, formatLabels(stringMap(o, 'template', 'metadata', 'labels'))];
  },
};

/** ReplicationControllers: Name, Desired, Current, Ready, Age; wide: Containers, Images, Selector. */
export const replicationControllerConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'The number of replicas asked for.'),
    col('Current', 'integer', 'The number of replicas that exist.'),
    col('Ready', 'integer', 'The number of replicas that are ready.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    wide('Selector', 'string', 'The label query that selects the pods of the controller.'),
  ],
  cells(o, now) {
    const [names, images] = containerCells(list(o, 'spec', 'template', 'spec', 'containers'));
    return [
      nameOf(o),
      num(o, 'spec', 'replicas'),
      num(o, 'status', 'replicas'),
      num(o, 'status', 'readyReplicas'),
      ageOf(o, now),
      names,
      images,
      formatLabels(stringMap(o, 'spec', 'selector')),
    ];
  },
};

/** The load-balancer ingress points: IP, or hostname when there is no IP; sorted and unique. */
export function loadBalancerIngress(status: unknown): string {
  const points: string[] = [];
  for (const ing of list(status, 'ingress')) {
    if (str(ing, 'ip') !== '') points.push(str(ing, 'ip'));
    else if (str(ing, 'hostname') !== '') points.push(str(ing, 'hostname'));
  }
  // The API server prints with wide output on, so the list is never clipped.
  return sortedSet(points).join(',');
}

/** The EXTERNAL-IP cell of a Service. */
function serviceExternalIP(svc: KubeObject): string {
  const externalIPs = list(svc, 'spec', 'externalIPs').filter((x): x is string => typeof x === 'string');
  switch (str(svc, 'spec', 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(field(svc, 'status', 'loadBalancer'));
      if (externalIPs.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...externalIPs].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(svc, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

/** `80/TCP,443:30443/TCP`. */
function servicePorts(svc: KubeObject): string {
  const pieces = list(svc, 'spec', 'ports').map((p) => {
    const protocol = str(p, 'protocol') || 'TCP';
    const nodePort = num(p, 'nodePort');
    return nodePort > 0 ? `${num(p, 'port')}:${nodePort}/${protocol}` : `${num(p, 'port')}/${protocol}`;
  });
  return pieces.length === 0 ? '<none>' : pieces.join(',');
}

/** Services: Name, Type, Cluster-IP, External-IP, Port(s), Age; wide: Selector. */
export const serviceConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'The virtual IP of the service inside the cluster.'),
    col('External-IP', 'string', 'The addresses the service is reachable at from outside the cluster.'),
    col('Port(s)', 'string', 'The ports the service exposes, with node ports.'),
    AGE_COLUMN,
    wide('Selector', 'string', 'The labels of the pods the service routes to.'),
  ],
  cells(o, now) {
    const clusterIPs = list(o, 'spec', 'clusterIPs');
    const clusterIP = clusterIPs.length > 0 ? String(clusterIPs[0]) : orNone(str(o, 'spec', 'clusterIP'));
    return [
      nameOf(o),
      str(o, 'spec', 'type'),
      clusterIP,
      serviceExternalIP(o),
      servicePorts(o),
      ageOf(o, now),
      formatLabels(stringMap(o, 'spec', 'selector')),
    ];
  },
};

/** `host:port`, with IPv6 addresses in brackets (net.JoinHostPort). */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The ENDPOINTS cell: up to three addresses, then `+ N more...`; `<none>` without subsets. */
export function formatEndpoints(endpoints: KubeObject): string {
  const subsets = list(endpoints, 'subsets');
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const shown: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = list(ss, 'addresses');
    const ports = list(ss, 'ports');
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const a of addresses) {
        if (shown.length === max) {
          more = true;
          break;
        }
        shown.push(str(a, 'ip'));
      }
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (shown.length === max) {
          more = true;
          break;
        }
        shown.push(joinHostPort(str(a, 'ip'), num(p, 'port')));
      }
    }
  }
  const joined = shown.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

/** Endpoints: Name, Endpoints, Age. */
export const endpointsConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Endpoints', 'string', 'The addresses and ports of the endpoints.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), formatEndpoints(o), ageOf(o, now)],
};

const NODE_ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

/** Node roles from `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role=<role>`; sorted. */
export function nodeRoles(node: KubeObject): string[] {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(stringMap(node, 'metadata', 'labels'))) {
    if (k.startsWith(NODE_ROLE_LABEL_PREFIX)) {
      const role = k.slice(NODE_ROLE_LABEL_PREFIX.length);
      if (role !== '') roles.push(role);
    } else if (k === NODE_ROLE_LABEL && v !== '') {
      roles.push(v);
    }
  }
  return sortedSet(roles);
}

/** The STATUS cell of a Node: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: KubeObject): string {
  let ready: unknown;
  for (const c of list(node, 'status', 'conditions')) {
    if (str(c, 'type') === 'Ready') ready = c; // the last one of a type wins
  }
  const status: string[] = [];
  if (ready !== undefined) status.push(str(ready, 'status') === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (field(node, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: KubeObject, type: string): string {
  const a = list(node, 'status', 'addresses').find((x) => str(x, 'type') === type);
  return a === undefined ? '<none>' : str(a, 'address');
}

const orUnknown = (s: string): string => (s === '' ? '<unknown>' : s);

/** Nodes: Name, Status, Roles, Age, Version; wide: Internal-IP, External-IP, OS-Image, Kernel-Version, Container-Runtime. */
export const nodeConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'Whether the node is ready, and whether scheduling on it is disabled.'),
    col('Roles', 'string', 'The roles of the node, from its node-role labels.'),
    AGE_COLUMN,
    col('Version', 'string', 'The version of the kubelet on the node.'),
    wide('Internal-IP', 'string', 'The first internal IP address of the node.'),
    wide('External-IP', 'string', 'The first external IP address of the node.'),
    wide('OS-Image', 'string', 'The operating system image of the node.'),
    wide('Kernel-Version', 'string', 'The kernel version of the node.'),
    wide('Container-Runtime', 'string', 'The container runtime and its version.'),
  ],
  cells(o, now) {
    const roles = nodeRoles(o).join(',');
    return [
      nameOf(o),
      nodeStatus(o),
      orNone(roles),
      ageOf(o, now),
      str(o, 'status', 'nodeInfo', 'kubeletVersion'),
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      orUnknown(str(o, 'status', 'nodeInfo', 'osImage')),
      orUnknown(str(o, 'status', 'nodeInfo', 'kernelVersion')),
      orUnknown(str(o, 'status', 'nodeInfo', 'containerRuntimeVersion')),
    ];
  },
};

/** Namespaces: Name, Status, Age. */
export const namespaceConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Status', 'string', 'The phase of the namespace: Active or Terminating.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), str(o, 'status', 'phase'), ageOf(o, now)],
};

/** Secrets: Name, Type, Data, Age. */
export const secretConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Type', 'string', 'The type of the secret.'),
    col('Data', 'string', 'The number of keys in the secret.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [nameOf(o), str(o, 'type'), mapLen(o, 'data'), ageOf(o, now)],
};

/** ServiceAccounts: Name, Secrets, Age. */
export const serviceAccountConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Secrets', 'string', 'The number of secrets listed on the service account.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), list(o, 'secrets').length, ageOf(o, now)],
};

/** ConfigMaps: Name, Data (keys of data plus binaryData), Age. */
export const configMapConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Data', 'string', 'The number of keys in the config map.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), mapLen(o, 'data') + mapLen(o, 'binaryData'), ageOf(o, now)],
};

function storageClassOf(o: KubeObject, specClass: unknown): string {
  const annotations = stringMap(o, 'metadata', 'annotations');
  if (BETA_STORAGE_CLASS_ANNOTATION in annotations) return annotations[BETA_STORAGE_CLASS_ANNOTATION]!;
  return typeof specClass === 'string' ? specClass : '';
}

function phaseOrTerminating(o: KubeObject): string {
  return has(o, 'metadata', 'deletionTimestamp') ? 'Terminating' : str(o, 'status', 'phase');
}

const unsetOr = (v: unknown): string => (typeof v === 'string' ? v : '<unset>');

/** PersistentVolumes: Name, Capacity, Access Modes, Reclaim Policy, Status, Claim, StorageClass, VolumeAttributesClass, Reason, Age; wide: VolumeMode. */
export const persistentVolumeConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Capacity', 'string', 'The storage capacity of the volume.'),
    col('Access Modes', 'string', 'How the volume can be mounted (RWO, ROX, RWX, RWOP).'),
    col('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    col('Status', 'string', 'The phase of the volume.'),
    col('Claim', 'string', 'The claim bound to the volume, as namespace/name.'),
    col('StorageClass', 'string', 'The storage class of the volume.'),
    col('VolumeAttributesClass', 'string', 'The volume attributes class of the volume.'),
    col('Reason', 'string', 'Why the volume is in its phase.'),
    AGE_COLUMN,
    wide('VolumeMode', 'string', 'Whether the volume is a filesystem or a raw block device.'),
  ],
  cells(o, now) {
    const claim = has(o, 'spec', 'claimRef') ? `${str(o, 'spec', 'claimRef', 'namespace')}/${str(o, 'spec', 'claimRef', 'name')}` : '';
    return [
      nameOf(o),
      quantity(field(o, 'spec', 'capacity', 'storage')),
      accessModes(list(o, 'spec', 'accessModes')),
      str(o, 'spec', 'persistentVolumeReclaimPolicy'),
      phaseOrTerminating(o),
      claim,
      storageClassOf(o, field(o, 'spec', 'storageClassName')),
      unsetOr(field(o, 'spec', 'volumeAttributesClassName')),
      str(o, 'status', 'reason'),
      ageOf(o, now),
      unsetOr(field(o, 'spec', 'volumeMode')),
    ];
  },
};

/** PersistentVolumeClaims: Name, Status, Volume, Capacity, Access Modes, StorageClass, VolumeAttributesClass, Age; wide: VolumeMode. */
export const persistentVolumeClaimConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'The phase of the claim.'),
    col('Volume', 'string', 'The volume bound to the claim.'),
    col('Capacity', 'string', 'The capacity of the bound volume.'),
    col('Access Modes', 'string', 'How the bound volume can be mounted.'),
    col('StorageClass', 'string', 'The storage class of the claim.'),
    col('VolumeAttributesClass', 'string', 'The volume attributes class of the claim.'),
    AGE_COLUMN,
    wide('VolumeMode', 'string', 'Whether the claim asks for a filesystem or a raw block device.'),
  ],
  cells(o, now) {
    const volumeName = str(o, 'spec', 'volumeName');
    const bound = volumeName !== '';
    return [
      nameOf(o),
      phaseOrTerminating(o),
      volumeName,
      bound ? quantity(field(o, 'status', 'capacity', 'storage')) : '',
      bound ? accessModes(list(o, 'status', 'accessModes')) : '',
      storageClassOf(o, field(o, 'spec', 'storageClassName')),
      unsetOr(field(o, 'spec', 'volumeAttributesClassName')),
      ageOf(o, now),
      unsetOr(field(o, 'spec', 'volumeMode')),
    ];
  },
};

/** ComponentStatuses: Name, Status, Message, Error. */
export const componentStatusConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'Whether the component is healthy.'),
    col('Message', 'string', 'The message of the health condition.'),
    col('Error', 'string', 'The error of the health condition.'),
  ],
  cells(o) {
    const c = list(o, 'conditions').find((x) => str(x, 'type') === 'Healthy');
    if (c === undefined) return [nameOf(o), 'Unknown', '', ''];
    return [nameOf(o), str(c, 'status') === 'True' ? 'Healthy' : 'Unhealthy', str(c, 'message'), str(c, 'error')];
  },
};

/** ResourceQuotas: Name, Request (`cpu: 100m/1, ...`), Limit (`limits.*` resources), Age. */
export const resourceQuotaConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Request', 'string', 'Used out of hard quota for every resource that is not a limit.'),
    col('Limit', 'string', 'Used out of hard quota for the limits.* resources.'),
    AGE_COLUMN,
  ],
  cells(o, now) {
    const hard = record(o, 'status', 'hard');
    const used = record(o, 'status', 'used');
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const piece = `${resource}: ${quantity(used[resource])}/${quantity(hard[resource])}`;
      const dot = resource.split('.');
      if (dot.length > 1 && dot[0] === 'limits') limits.push(piece);
      else requests.push(piece);
    }
    return [nameOf(o), requests.join(', '), limits.join(', '), ageOf(o, now)];
  },
};
