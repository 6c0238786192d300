/**
 * CEL compilation errors as field errors, for the API validation of
 * ValidatingAdmissionPolicies and webhook configurations (Kubernetes refuses
 * expressions that do not compile with 422 Invalid:
 * `spec.validations[0].expression: Invalid value: "…": compilation failed: ERROR: <input>:…`).
 * The API strategies call these; the admission plugins never need them.
 */
import type { JsonObject, JsonValue } from '../../runtime/object.js';
import { isJsonObject } from '../../runtime/object.js';
import { FieldPath, invalid, type FieldError } from '../../validation/field/errors.js';
import { compilationMessage, type CompilationResult } from '../cel/compile.js';
import { admissionEnvironment } from '../cel/environment.js';
import { compileMatchConditions } from '../cel/matchconditions.js';
import { compilePolicy } from './compile.js';

function check(errs: FieldError[], path: FieldPath, expression: string, result: CompilationResult | undefined): void {
  if (result && !result.ok && expression !== '') errs.push(invalid(path, expression, compilationMessage(result.error)));
}

/** The compilation errors of a ValidatingAdmissionPolicy's expressions (`spec` at `path`). */
export function validatePolicyExpressions(spec: JsonObject, path: FieldPath = FieldPath.of('spec')): FieldError[] {
  const compiled = compilePolicy({ metadata: { name: '' }, spec });
  const errs: FieldError[] = [];
  compiled.variables.forEach((v, i) => check(errs, path.child('variables').index(i).child('expression'), v.expression, v.compiled));
  compiled.matchConditions?.conditions.forEach((c, i) => check(errs, path.child('matchConditions').index(i).child('expression'), c.expression, c.result));
  compiled.validations.forEach((v, i) => {
    check(errs, path.child('validations').index(i).child('expression'), v.expression, v.compiled);
    check(errs, path.child('validations').index(i).child('messageExpression'), v.messageExpression, v.compiledMessage);
  });
  compiled.auditAnnotations.forEach((a, i) => check(errs, path.child('auditAnnotations').index(i).child('valueExpression'), a.valueExpression, a.compiled));
  return errs;
}

/** The compilation errors of the matchConditions of a webhook configuration's `webhooks`. */
export function validateWebhookMatchConditions(webhooks: JsonValue | undefined, path: FieldPath = FieldPath.of('webhooks')): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(webhooks)) return errs;
  const env = admissionEnvironment({ hasParams: false, hasAuthorizer: true });
  webhooks.forEach((h, i) => {
    if (!isJsonObject(h) || !Array.isArray(h.matchConditions)) return;
    const conditions = h.matchConditions.filter(isJsonObject).map((c) => ({ name: typeof c.name === 'string' ? c.name : '', expression: typeof c.expression === 'string' ? c.expression : '' }));
    compileMatchConditions(env, conditions).conditions.forEach((c, j) => check(errs, path.index(i).child('matchConditions').index(j).child('expression'), c.expression, c.result));
  });
  return errs;
}
