/**
 * The admission package's public surface: what the server wires (the chain
 * built from the flags, the deps it needs, the quota controller stand-ins,
 * the built-in PriorityClasses) and what other admission modules plug into.
 */
export type { Admission, AdmissionPlugin, Attributes, Operation, ReinvocationPolicy } from './interfaces.js';
export { newAdmissionChain } from './chain.js';
export type { ReinvocationContext } from './reinvocation.js';
export { newReinvocationContext } from './reinvocation.js';
export type { AdmissionDeps, TryUpdateFunc } from './deps.js';
export { AdmissionPlugins, allOrderedPlugins, defaultOnPlugins, type PluginFactory } from './registry.js';
export {
  admissionFlagSpecs,
  admissionOptionsFromFlags,
  buildAdmission,
  defaultAdmissionOptions,
  enabledPluginNames,
  readAdmissionConfiguration,
  validateAdmissionOptions,
  type AdmissionOptions,
  type BuiltAdmission,
} from './config.js';
export { admissionForbidden } from './util/errors.js';
export { recalculateQuotaUsage, resyncAllQuotas, syncQuotaStatus } from './plugins/resourcequota/index.js';
export { systemPriorityClassObjects } from './plugins/priority/index.js';
export { immortalNamespaces } from './plugins/namespacelifecycle/index.js';
