/**
 * One webhook call, shared by the mutating and validating dispatchers:
 * dry-run side-effect check, AdmissionReview, HTTPS POST, response
 * verification, audit annotations and warnings, and the denial. Failures
 * to call are WebhookCallErrors (the failure policy decides); a denial is a
 * WebhookRejection; a dry run against a webhook with side effects is a 400.
 */
import type { Attributes } from '../interfaces.js';
import { addAnnotation, addWarning, kindOf, optionsOf, resourceOf, signalOf } from './attributes.js';
import { postAdmissionReview, WebhookTransportError, type ServiceResolver } from './client.js';
import { dryRunUnsupported, toStatusError, WebhookCallError, WebhookRejection } from './errors.js';
import type { VersionedAttributes, WebhookInvocation } from './generic.js';
import { createAdmissionReview, verifyAdmissionResponse, type AdmissionResponse, type AdmissionReviewRequest } from './review.js';

/** What a call needs besides the invocation. */
export interface CallOptions {
  serviceResolver?: ServiceResolver;
}

/** Calls the webhook of `inv` with the objects of `v`; returns the verified response of an allowed request. */
export async function callWebhook(inv: WebhookInvocation, v: VersionedAttributes, attrs: Attributes, mutating: boolean, opts: CallOptions): Promise<AdmissionResponse> {
  const hook = inv.hook;
  if (attrs.dryRun) {
    if (hook.sideEffects === undefined) throw new WebhookCallError(hook.name, 'Webhook SideEffects is nil');
    if (hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') throw dryRunUnsupported(hook.name);
  }
  let review: AdmissionReviewRequest;
  try {
    review = createAdmissionReview(
      hook.admissionReviewVersions,
      {
        kind: inv.kind,
        resource: inv.resource,
        subResource: inv.subresource,
        requestKind: kindOf(attrs),
        requestResource: resourceOf(attrs),
        requestSubResource: attrs.subresource,
        name: attrs.name,
        namespace: attrs.namespace,
        operation: attrs.operation,
        userInfo: attrs.user,
        dryRun: attrs.dryRun,
        options: optionsOf(attrs),
      },
      v.object,
      v.oldObject,
    );
  } catch (err) {
    throw new WebhookCallError(hook.name, `could not create admission objects: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!hook.clientConfig.url && !hook.clientConfig.service) {
    throw new WebhookCallError(hook.name, 'could not get REST client: webhook clientConfig has neither url nor service');
  }
  let answer: unknown;
  try {
    answer = (await postAdmissionReview(hook.clientConfig, Buffer.from(JSON.stringify(review.body)), { timeoutSeconds: hook.timeoutSeconds, signal: signalOf(attrs), resolver: opts.serviceResolver })).body;
  } catch (err) {
    const why = err instanceof WebhookTransportError ? err.message : err instanceof Error ? err.message : String(err);
    throw new WebhookCallError(hook.name, `failed to call webhook: ${why}`);
  }
  let response: AdmissionResponse;
  try {
    response = verifyAdmissionResponse(review.uid, mutating, review.version, answer);
  } catch (err) {
    throw new WebhookCallError(hook.name, `received invalid webhook response: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const [k, val] of Object.entries(response.auditAnnotations)) addAnnotation(attrs, `${hook.name}/${k}`, val);
  for (const w of response.warnings) addWarning(attrs, w);
  if (!response.allowed) throw new WebhookRejection(toStatusError(hook.name, response.result));
  return response;
}
