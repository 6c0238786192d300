/**
 * Preconditions (uid, resourceVersion) checked against the current object
 * before a write, with the errors Kubernetes returns.
 */
import type { KubeObject } from '../../runtime/object.js';
import { OptimisticLockErrorMsg } from '../../runtime/errors.js';
import { conflict, invalidObj } from '../errors.js';
import type { Preconditions } from '../interface.js';

function uidOf(obj: KubeObject | null): string {
  return obj?.metadata?.uid ?? '';
}

function resourceVersionOf(obj: KubeObject | null): string {
  return obj?.metadata?.resourceVersion ?? '';
}

/**
 * The check a delete makes (storage.Preconditions.Check): a mismatch is an
 * InvalidObj error carrying Kubernetes' "Precondition failed: ..." text.
 */
export function checkDeletePreconditions(key: string, pre: Preconditions | undefined, obj: KubeObject | null): void {
  if (!pre) return;
  if (pre.uid !== undefined && pre.uid !== uidOf(obj)) {
    throw invalidObj(key, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uidOf(obj)}`);
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== resourceVersionOf(obj)) {
    throw invalidObj(
      key,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${resourceVersionOf(obj)}`,
    );
  }
}

/**
 * The check an update makes: a uid mismatch is the InvalidObj error above; a
 * stale resourceVersion is a ResourceVersionConflicts error with Kubernetes'
 * optimistic-lock message (what a PUT with an old resourceVersion answers).
 */
export function checkUpdatePreconditions(key: string, pre: Preconditions | undefined, obj: KubeObject | null): void {
  if (!pre) return;
  if (pre.uid !== undefined && pre.uid !== uidOf(obj)) {
    throw invalidObj(key, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uidOf(obj)}`);
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== resourceVersionOf(obj)) {
    throw conflict(key, OptimisticLockErrorMsg);
  }
}
