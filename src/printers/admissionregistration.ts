/**
 * Printers for admissionregistration.k8s.io: webhook configurations and
 * admission policies with their bindings.
 */
import type { KubeObject } from '../runtime/object.js';
import { field, has, list, str, stringMap } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** Webhook configurations (mutating and validating): Name, Webhooks, Age. */
export const webhookConfigurationConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Webhooks', 'integer', 'The number of webhooks in the configuration.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), list(o, 'webhooks').length, ageOf(o, now)],
};

function paramKind(o: KubeObject): string {
  if (!has(o, 'spec', 'paramKind')) return '<unset>';
  return `${str(o, 'spec', 'paramKind', 'apiVersion')}/${str(o, 'spec', 'paramKind', 'kind')}`;
}

/** ValidatingAdmissionPolicies: Name, Validations, ParamKind, Age. */
export const validatingAdmissionPolicyConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Validations', 'integer', 'The number of validation rules of the policy.'),
    col('ParamKind', 'string', 'The kind of the resources that parameterize the policy.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [nameOf(o), list(o, 'spec', 'validations').length, paramKind(o), ageOf(o, now)],
};

/** MutatingAdmissionPolicies: Name, Mutations, ParamKind, Age. */
export const mutatingAdmissionPolicyConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Mutations', 'integer', 'The number of mutations of the policy.'),
    col('ParamKind', 'string', 'The kind of the resources that parameterize the policy.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [nameOf(o), list(o, 'spec', 'mutations').length, paramKind(o), ageOf(o, now)],
};

/**
 * A metav1.LabelSelector as its generated Go String() prints it:
 * `&LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:[]LabelSelectorRequirement{},}`.
 */
function goLabelSelectorString(sel: unknown): string {
  const labels = stringMap(sel, 'matchLabels');
  const labelText = Object.keys(labels)
    .sort()
    .map((k) => `${k}: ${labels[k]},`)
    .join('');
  const exprText = list(sel, 'matchExpressions')
    .map((e) => {
      const values = list(e, 'values').map(String).join(' ');
      return `LabelSelectorRequirement{Key:${str(e, 'key')},Operator:${str(e, 'operator')},Values:[${values}],},`;
    })
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labelText}},MatchExpressions:[]LabelSelectorRequirement{${exprText}},}`;
}

/** `namespace/name`, `*\/name` without a namespace, the selector, or `<unset>`. */
function paramRef(o: KubeObject): string {
  if (!has(o, 'spec', 'paramRef')) return '<unset>';
  const ref = field(o, 'spec', 'paramRef');
  const n = str(ref, 'name');
  if (n !== '') return str(ref, 'namespace') !== '' ? `${str(ref, 'namespace')}/${n}` : `*/${n}`;
  if (has(ref, 'selector')) return goLabelSelectorString(field(ref, 'selector'));
  return '<unset>';
}

/** Admission policy bindings (validating and mutating): Name, PolicyName, ParamRef, Age. */
export const admissionPolicyBindingConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('PolicyName', 'string', 'The policy the binding applies.'),
    col('ParamRef', 'string', 'The parameter resource of the binding.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [nameOf(o), str(o, 'spec', 'policyName'), paramRef(o), ageOf(o, now)],
};
