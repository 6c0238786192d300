/**
 * Audit logging (audit.k8s.io/v1): policy, events, log and webhook backends,
 * and the chain filters. What the rest of kapi uses:
 *
 * - options: `auditFlags`, `auditOptionsFrom(values)`, `newAuditor(opts, log)`;
 * - chain: `auditor.filters(defaultFilters)` (or `withAuditFilters`);
 * - hooks for handlers: `auditRequestObject`, `auditRequestPatch`,
 *   `auditResponseObject`, `recordAuthorizationDecision`, `addAuditAnnotation`,
 *   `logImpersonatedUser`;
 * - metrics: `auditMetrics`.
 */
export { auditFlags, auditOptionsFrom, newAuditor, type AuditOptions, type Auditor } from './options.js';
export { newAuditFilter, newFailedAuthenticationAuditFilter, withAuditFilters, type AuditSetup } from './filter.js';
export {
  addAuditAnnotation,
  addAuditAnnotations,
  auditLevelOf,
  auditRequestObject,
  auditRequestPatch,
  auditResponseObject,
  decisionAnnotationKey,
  logImpersonatedUser,
  reasonAnnotationKey,
  recordAuthorizationDecision,
} from './context.js';
export { loadPolicyFile, newPolicyRuleEvaluator, parsePolicy, type PolicyRuleEvaluator } from './policy.js';
export { auditMetrics, type AuditBackend } from './sink.js';
export type { AuditEvent, AuditEventList, Level, Policy, PolicyRule, Stage } from './types.js';
