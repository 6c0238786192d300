/**
 * Printers for storage.k8s.io: StorageClasses, VolumeAttributesClasses,
 * CSINodes, CSIDrivers, CSIStorageCapacities and VolumeAttachments.
 */
import { field, list, str, stringMap } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col, quantity } from './format.js';
import type { PrinterTableConvertor } from './types.js';

const DEFAULT_STORAGE_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];
const DEFAULT_VOLUME_ATTRIBUTES_CLASS_ANNOTATION = 'volumeattributesclass.alpha.kubernetes.io/is-default-class';

const boolOr = (v: unknown, dflt: boolean): boolean => (typeof v === 'boolean' ? v : dflt);

/** StorageClasses: Name (with ` (default)`), Provisioner, ReclaimPolicy, VolumeBindingMode, AllowVolumeExpansion, Age. */
export const storageClassConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Provisioner', 'string', 'The volume plugin that provisions volumes of the class.'),
    col('ReclaimPolicy', 'string', 'What happens to provisioned volumes when released.'),
    col('VolumeBindingMode', 'string', 'When volumes of the class are bound and provisioned.'),
    col('AllowVolumeExpansion', 'string', 'Whether volumes of the class can be resized.'),
    AGE_COLUMN,
  ],
  cells(o, now) {
    const annotations = stringMap(o, 'metadata', 'annotations');
    const isDefault = DEFAULT_STORAGE_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true');
    return [
      isDefault ? `${nameOf(o)} (default)` : nameOf(o),
      str(o, 'provisioner'),
      str(o, 'reclaimPolicy') || 'Delete',
      str(o, 'volumeBindingMode') || 'Immediate',
      boolOr(field(o, 'allowVolumeExpansion'), false),
      ageOf(o, now),
    ];
  },
};

/** VolumeAttributesClasses: Name (with ` (default)`), DriverName, Age. */
export const volumeAttributesClassConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('DriverName', 'string', 'The CSI driver the class applies to.'), AGE_COLUMN],
  cells(o, now) {
    const isDefault = stringMap(o, 'metadata', 'annotations')[DEFAULT_VOLUME_ATTRIBUTES_CLASS_ANNOTATION] === 'true';
    return [isDefault ? `${nameOf(o)} (default)` : nameOf(o), str(o, 'driverName'), ageOf(o, now)];
  },
};

/** CSINodes: Name, Drivers, Age. */
export const csiNodeConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Drivers', 'integer', 'The number of CSI drivers registered on the node.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), list(o, 'spec', 'drivers').length, ageOf(o, now)],
};

/** CSIDrivers: Name, AttachRequired, PodInfoOnMount, StorageCapacity, TokenRequests, RequiresRepublish, Modes, Age. */
export const csiDriverConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('AttachRequired', 'boolean', 'Whether volumes of the driver need an attach operation.'),
    col('PodInfoOnMount', 'boolean', 'Whether pod information is passed on mount.'),
    col('StorageCapacity', 'boolean', 'Whether the scheduler considers storage capacity for the driver.'),
    col('TokenRequests', 'string', 'The audiences of the service account tokens passed to the driver.'),
    col('RequiresRepublish', 'boolean', 'Whether volumes are periodically republished.'),
    col('Modes', 'string', 'The volume lifecycle modes the driver supports.'),
    AGE_COLUMN,
  ],
  cells(o, now) {
    const tokenRequests = field(o, 'spec', 'tokenRequests');
    const modes = list(o, 'spec', 'volumeLifecycleModes').map(String).join(',');
    return [
      nameOf(o),
      boolOr(field(o, 'spec', 'attachRequired'), true),
      boolOr(field(o, 'spec', 'podInfoOnMount'), false),
      boolOr(field(o, 'spec', 'storageCapacity'), false),
      Array.isArray(tokenRequests) ? tokenRequests.map((t) => str(t, 'audience')).join(',') : '<unset>',
      boolOr(field(o, 'spec', 'requiresRepublish'), false),
      modes === '' ? '<none>' : modes,
      ageOf(o, now),
    ];
  },
};

/** CSIStorageCapacities: Name, StorageClassName, Capacity (no Age). */
export const csiStorageCapacityConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('StorageClassName', 'string', 'The storage class the capacity is reported for.'),
    col('Capacity', 'string', 'The capacity available to new volumes.'),
  ],
  cells: (o) => [nameOf(o), str(o, 'storageClassName'), field(o, 'capacity') == null ? '<unset>' : quantity(field(o, 'capacity'))],
};

/** VolumeAttachments: Name, Attacher, PV, Node, Attached, Age. */
export const volumeAttachmentConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Attacher', 'string', 'The volume driver that attaches the volume.', 'name'),
    col('PV', 'string', 'The persistent volume being attached.'),
    col('Node', 'string', 'The node the volume is attached to.'),
    col('Attached', 'boolean', 'Whether the attach operation succeeded.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    nameOf(o),
    str(o, 'spec', 'attacher'),
    str(o, 'spec', 'source', 'persistentVolumeName'),
    str(o, 'spec', 'nodeName'),
    field(o, 'status', 'attached') === true,
    ageOf(o, now),
  ],
};
