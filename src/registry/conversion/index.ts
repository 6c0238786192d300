/**
 * The built-in conversions of kapi and the store hooks that apply them: one
 * storage version per resource, every other served version converted on the
 * way in (`toStored`) and out (`toServed`).
 */
import type { ResourceSpec } from '../definitions.js';
import type { StoreHooks } from '../generic/store.js';
import { eventsConverter } from '../events/conversion.js';
import { hpaV1ToV2, hpaV2Normalize, hpaV2ToV1 } from './autoscaling.js';
import { ConverterRegistry, sameSchemaConverter, type GroupVersionKind, type VersionConverter } from './registry.js';

export { ConverterRegistry, sameSchemaConverter, apiVersionOf, type GroupVersionKind, type VersionConverter } from './registry.js';
export { hpaV1ToV2, hpaV2ToV1 } from './autoscaling.js';

const hpa = (version: string): GroupVersionKind => ({ group: 'autoscaling', version, kind: 'HorizontalPodAutoscaler' });

/** The converters of the built-in resources. */
export const builtinConverters = new ConverterRegistry();
builtinConverters.register({ served: hpa('v1'), storage: hpa('v2'), toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 });
builtinConverters.register({ served: hpa('v2'), storage: hpa('v2'), toStorage: hpaV2Normalize, fromStorage: hpaV2Normalize });
builtinConverters.register(eventsConverter);
for (const kind of ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']) {
  builtinConverters.register(sameSchemaConverter('admissionregistration.k8s.io', kind, 'v1beta1', 'v1'));
}
for (const kind of ['IPAddress', 'ServiceCIDR']) builtinConverters.register(sameSchemaConverter('networking.k8s.io', kind, 'v1beta1', 'v1'));

/** The group/version/kind a spec is served as, and the one it is stored as. */
export function servedAndStorage(spec: ResourceSpec): { served: GroupVersionKind; storage: GroupVersionKind } {
  return {
    served: { group: spec.group, version: spec.version, kind: spec.kind },
    storage: { group: spec.storageGroup ?? spec.group, version: spec.storageVersion ?? spec.version, kind: spec.kind },
  };
}

/** The converter of a spec, or undefined when it is served in its storage version without normalization. */
export function converterFor(spec: ResourceSpec, registry: ConverterRegistry = builtinConverters): VersionConverter | undefined {
  const { served, storage } = servedAndStorage(spec);
  const c = registry.lookup(served, storage);
  const same = served.group === storage.group && served.version === storage.version;
  if (!c && !same) {
    throw new Error(`no conversion registered from ${served.group}/${served.version} ${served.kind} to storage version ${storage.group}/${storage.version}`);
  }
  return c;
}

/**
 * The hooks that make a GenericStore serve `spec` while storing its storage
 * version: pass them (merged with any resource-specific hooks) to the store of
 * each served version. Undefined when no conversion is needed.
 */
export function conversionHooksFor(spec: ResourceSpec, registry: ConverterRegistry = builtinConverters): StoreHooks | undefined {
  if (spec.createOnly || spec.special === 'componentStatus') return undefined;
  const c = converterFor(spec, registry);
  if (!c) return undefined;
  return { toServed: (obj) => c.fromStorage(obj), toStored: (obj) => c.toStorage(obj) };
}
