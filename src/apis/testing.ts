/**
 * Test helpers: run a strategy's hooks in the generic store's order, the
 * way a create or an update request would.
 */
import type { KubeObject } from '../runtime/object.js';
import type { RestStrategy, StrategyContext } from '../registry/rest/strategy.js';
import type { FieldError } from '../validation/field/errors.js';

/** A field error as tests compare it. */
export interface ErrorRow {
  field: string;
  type: string;
  message: string;
}

/** field, type and full message of each error. */
export function errorRows(errs: FieldError[]): ErrorRow[] {
  return errs.map((e) => ({ field: e.field, type: e.type, message: e.message() }));
}

function ctxFor(obj: KubeObject, subresource: string, user?: StrategyContext['user']): StrategyContext {
  const ctx: StrategyContext = { namespace: obj.metadata?.namespace ?? '', subresource };
  if (user) ctx.user = user;
  return ctx;
}

/** defaults → prepareForCreate → validate → canonicalize (canonicalize only when valid). */
export function runCreate(strategy: RestStrategy, input: KubeObject, user?: StrategyContext['user']): { obj: KubeObject; errs: FieldError[] } {
  const obj = JSON.parse(JSON.stringify(input)) as KubeObject;
  const ctx = ctxFor(obj, '', user);
  strategy.defaults?.(obj);
  strategy.prepareForCreate(ctx, obj);
  const errs = strategy.validate(ctx, obj);
  if (errs.length === 0) strategy.canonicalize?.(obj);
  return { obj, errs };
}

/** defaults → prepareForUpdate → validateUpdate, for the main resource or a subresource. */
export function runUpdate(
  strategy: RestStrategy,
  old: KubeObject,
  input: KubeObject,
  subresource = '',
  user?: StrategyContext['user'],
): { obj: KubeObject; errs: FieldError[] } {
  const obj = JSON.parse(JSON.stringify(input)) as KubeObject;
  const ctx = ctxFor(obj, subresource, user);
  strategy.defaults?.(obj);
  strategy.prepareForUpdate(ctx, obj, old);
  const errs = strategy.validateUpdate(ctx, obj, old);
  if (errs.length === 0) strategy.canonicalize?.(obj);
  return { obj, errs };
}

/** A stored copy of obj, as the store returns it (with a resourceVersion). */
export function stored(obj: KubeObject, resourceVersion = '1'): KubeObject {
  const copy = JSON.parse(JSON.stringify(obj)) as KubeObject;
  copy.metadata = { ...(copy.metadata ?? {}), resourceVersion };
  return copy;
}
