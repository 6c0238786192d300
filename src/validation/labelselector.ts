/**
 * metav1.LabelSelector: validation (apimachinery/pkg/apis/meta/v1/validation)
 * and matching against a label set (LabelSelectorAsSelector + Matches).
 */
import { FieldError, FieldPath, forbidden, invalid, required } from './field/errors.js';
import { asArr, asObj, str, type Obj } from './json.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import { validateLabelName, validateLabels } from './objectmeta.js';

/** Options of validateLabelSelector. */
export interface LabelSelectorValidationOptions {
  /** Accept invalid label values in matchExpressions (kept for old stored objects). */
  allowInvalidLabelValueInSelector?: boolean;
}

const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Validates a label selector; an absent selector is valid. */
export function validateLabelSelector(selector: unknown, path: FieldPath, opts: LabelSelectorValidationOptions = {}): FieldError[] {
  const sel = asObj(selector);
  if (!sel) return [];
  const errs: FieldError[] = [...validateLabels(sel.matchLabels, path.child('matchLabels'))];
  (asArr(sel.matchExpressions) ?? []).forEach((e, i) => {
    const req = asObj(e) ?? {};
    const p = path.child('matchExpressions').index(i);
    const values = asArr(req.values) ?? [];
    const op = str(req.operator);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(p.child('operator'), op, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(str(req.key), p.child('key')));
    if (!opts.allowInvalidLabelValueInSelector) {
      values.forEach((v, j) => {
        for (const msg of isValidLabelValue(str(v))) errs.push(invalid(p.child('values').index(j), str(v), msg));
      });
    }
  });
  return errs;
}

/** A compiled selector. `empty` selects everything; `nothing` selects nothing. */
export interface Selector {
  empty: boolean;
  matches(labels: Record<string, unknown> | undefined): boolean;
}

const nothing: Selector = { empty: false, matches: () => false };
const everything: Selector = { empty: true, matches: () => true };

/**
 * LabelSelectorAsSelector: undefined for a selector that cannot be compiled
 * (bad operator, bad key or value); "nothing" for an absent selector;
 * "everything" for `{}`.
 */
export function labelSelectorAsSelector(selector: unknown): Selector | undefined {
  if (selector === undefined || selector === null) return nothing;
  const sel = asObj(selector);
  if (!sel) return undefined;
  const ml = asObj(sel.matchLabels) ?? {};
  const me = (asArr(sel.matchExpressions) ?? []).map((e) => asObj(e) ?? {});
  if (Object.keys(ml).length + me.length === 0) return everything;
  const reqs: ((labels: Obj) => boolean)[] = [];
  for (const [k, v] of Object.entries(ml)) {
    if (isQualifiedName(k).length > 0 || isValidLabelValue(str(v)).length > 0) return undefined;
    reqs.push((l) => l[k] === str(v));
  }
  for (const e of me) {
    const key = str(e.key);
    const op = str(e.operator);
    const values = (asArr(e.values) ?? []).map(str);
    if (!operators.includes(op) || isQualifiedName(key).length > 0) return undefined;
    if ((op === 'In' || op === 'NotIn') && values.length === 0) return undefined;
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) return undefined;
    if (values.some((v) => isValidLabelValue(v).length > 0)) return undefined;
    switch (op) {
      case 'In':
        reqs.push((l) => Object.prototype.hasOwnProperty.call(l, key) && values.includes(str(l[key])));
        break;
      case 'NotIn':
        reqs.push((l) => !Object.prototype.hasOwnProperty.call(l, key) || !values.includes(str(l[key])));
        break;
      case 'Exists':
        reqs.push((l) => Object.prototype.hasOwnProperty.call(l, key));
        break;
      default:
        reqs.push((l) => !Object.prototype.hasOwnProperty.call(l, key));
    }
  }
  return { empty: false, matches: (labels) => reqs.every((r) => r(labels ?? {})) };
}

/** A selector from a plain label map (an RC's or Service's `selector`); empty maps select everything. */
export function selectorFromSet(set: unknown): Selector {
  const m = asObj(set) ?? {};
  if (Object.keys(m).length === 0) return everything;
  return { empty: false, matches: (labels) => Object.entries(m).every(([k, v]) => (labels ?? {})[k] === str(v)) };
}
