/**
 * Label selectors (apimachinery/pkg/labels): the `?labelSelector=` string
 * form, the `metav1.LabelSelector` object form (`matchLabels` /
 * `matchExpressions`), matching, and Kubernetes' canonical string form.
 *
 * Invalid selectors throw a 400 BadRequest StatusError carrying the message
 * kube-apiserver returns, e.g.
 * `unable to parse requirement: <nil>: Invalid value: "app:web": name part must consist of ...`.
 */

import { newBadRequest } from '../errors.js';
import { SelectorSyntaxError, parseRequirements } from './parser.js';
import { Requirement, requirementError, type Labels, type Operator } from './requirement.js';
import { goQuote } from './validation.js';

export { Requirement, type Labels, type Operator } from './requirement.js';

/** metav1.LabelSelectorRequirement. */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | null;
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

function byKey(a: Requirement, b: Requirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** A parsed label selector: the AND of its requirements, kept sorted by key. */
export class Selector {
  private static readonly everythingInstance = new Selector([]);
  private static readonly nothingInstance = new Selector(null);

  /** `reqs` is null for the selector that matches nothing. */
  private constructor(private readonly reqs: readonly Requirement[] | null) {}

  /** The selector that matches every object (the empty string). */
  static everything(): Selector {
    return Selector.everythingInstance;
  }

  /** The selector that matches nothing (a nil metav1.LabelSelector). */
  static nothing(): Selector {
    return Selector.nothingInstance;
  }

  /** A selector from requirements; they are sorted by key (stable). */
  static of(requirements: readonly Requirement[]): Selector {
    return new Selector([...requirements].sort(byKey));
  }

  /** Whether every requirement matches the labels (never, for `nothing`). */
  matches(labels: Labels | null | undefined): boolean {
    if (this.reqs === null) return false;
    const ls = labels ?? {};
    return this.reqs.every((r) => r.matches(ls));
  }

  /** True when the selector does not restrict anything. False for `nothing`. */
  empty(): boolean {
    return this.reqs !== null && this.reqs.length === 0;
  }

  /** True for the selector that matches no object. */
  matchesNothing(): boolean {
    return this.reqs === null;
  }

  /** The requirements (empty for `everything` and `nothing`). */
  requirements(): readonly Requirement[] {
    return this.reqs ?? [];
  }

  /** A new selector with more requirements (sorted by key). */
  add(...requirements: Requirement[]): Selector {
    if (this.reqs === null) return this;
    return Selector.of([...this.reqs, ...requirements]);
  }

  /**
   * The value the selector forces for `label` (`label=v`, `label==v` or
   * `label in (v)`), or undefined. Only the first requirement on the key counts.
   */
  requiresExactMatch(label: string): string | undefined {
    for (const r of this.reqs ?? []) {
      if (r.key !== label) continue;
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
      return undefined;
    }
    return undefined;
  }

  /** Kubernetes' canonical text: requirements sorted by key, joined by `,` (`""` for everything and nothing). */
  toString(): string {
    return (this.reqs ?? []).map((r) => r.toString()).join(',');
  }
}

/**
 * Parses a `labelSelector` string (`labels.Parse`). The empty string selects
 * everything. Throws 400 BadRequest with Kubernetes' message.
 */
export function parseLabelSelector(selector: string): Selector {
  try {
    return Selector.of(parseRequirements(selector));
  } catch (err) {
    if (err instanceof SelectorSyntaxError) throw newBadRequest(err.message);
    throw err;
  }
}

/**
 * A validated requirement (`labels.NewRequirement`). Throws 400 BadRequest
 * with the aggregated field errors (paths `key`, `values`, `values[i][key]`).
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const err = requirementError(key, operator, values);
  if (err !== undefined) throw newBadRequest(err);
  return new Requirement(key, operator, [...values]);
}

/** An exact-match selector for a label set (`labels.SelectorFromSet`), without validation. */
export function selectorFromSet(set: Labels | null | undefined): Selector {
  if (!set) return Selector.everything();
  return Selector.of(Object.entries(set).map(([k, v]) => new Requirement(k, '=', [v])));
}

const labelSelectorOperators: Readonly<Record<string, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Converts a metav1.LabelSelector (`metav1.LabelSelectorAsSelector`):
 * null/undefined selects nothing, `{}` selects everything, `matchLabels`
 * become `=` requirements and `matchExpressions` use `In`, `NotIn`, `Exists`,
 * `DoesNotExist`. Throws 400 BadRequest with Kubernetes' message for an
 * unknown operator (`"Gt" is not a valid pod selector operator`) or invalid
 * keys/values.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls === null || ls === undefined) return Selector.nothing();
  const matchLabels = Object.entries(ls.matchLabels ?? {});
  const expressions = ls.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return Selector.everything();
  const reqs: Requirement[] = [];
  // Go iterates the matchLabels map in random order and stops at the first
  // invalid entry; sorting by key makes the reported error deterministic.
  matchLabels.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of matchLabels) {
    const err = requirementError(k, '=', [v]);
    if (err !== undefined) throw newBadRequest(err);
    reqs.push(new Requirement(k, '=', [v]));
  }
  for (const expr of expressions) {
    const op = labelSelectorOperators[expr.operator];
    if (op === undefined) throw newBadRequest(`${goQuote(String(expr.operator))} is not a valid pod selector operator`);
    const values = expr.values ?? [];
    const err = requirementError(expr.key, op, values, undefined, values.length === 0);
    if (err !== undefined) throw newBadRequest(err);
    reqs.push(new Requirement(expr.key, op, [...values]));
  }
  return Selector.of(reqs);
}

/**
 * The canonical string of a metav1.LabelSelector, as Scale `status.selector`
 * and `kubectl get -o wide` show it (`app=web,tier in (db,fe)`). Empty for
 * null and `{}`. Throws like {@link selectorFromLabelSelector}.
 */
export function labelSelectorToString(ls: LabelSelector | null | undefined): string {
  return selectorFromLabelSelector(ls).toString();
}
