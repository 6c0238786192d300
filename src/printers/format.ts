/**
 * Cell formatting shared by the printers: label maps and selectors, container
 * lists, lists cut short with `+ N more...`, access modes, and the column
 * definitions every printer repeats (Name, Age, Containers, ...).
 */
import type { TableColumn } from '../registry/rest/table.js';
import { field, list, str, stringMap } from './access.js';

/** `a=1,b=2` for a label map, keys sorted; `<none>` when empty (labels.FormatLabels). */
export function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels[k]}`).join(',');
}

/**
 * The string form of a metav1.LabelSelector as a labels.Selector prints it:
 * requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 * Returns '' for a nil or empty selector, and undefined when the selector is
 * not valid (an unknown operator, or values that do not fit the operator).
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (selector === undefined || selector === null) return '';
  const reqs: Array<{ key: string; text: string }> = [];
  for (const [k, v] of Object.entries(stringMap(selector, 'matchLabels'))) {
    reqs.push({ key: k, text: `${k}=${v}` });
  }
  for (const expr of list(selector, 'matchExpressions')) {
    const key = str(expr, 'key');
    const values = list(expr, 'values').filter((v): v is string => typeof v === 'string');
    const sorted = [...values].sort();
    switch (str(expr, 'operator')) {
      case 'In':
        if (values.length === 0) return undefined;
        reqs.push({ key, text: `${key} in (${sorted.join(',')})` });
        break;
      case 'NotIn':
        if (values.length === 0) return undefined;
        reqs.push({ key, text: `${key} notin (${sorted.join(',')})` });
        break;
      case 'Exists':
        if (values.length !== 0) return undefined;
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        if (values.length !== 0) return undefined;
        reqs.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: the selector string, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** Container names and images, each comma-joined (layoutContainerCells). */
export function containerCells(containers: unknown[]): [names: string, images: string] {
  return [containers.map((c) => str(c, 'name')).join(','), containers.map((c) => str(c, 'image')).join(',')];
}

/** The first `max` items joined with commas, then ` + N more...`; `<unset>` when empty. */
export function listWithMore(items: string[], max: number): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** intstr.IntOrString.String(): the number in decimal or the string itself. */
export function intOrString(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return '';
}

/**
 * A resource.Quantity as printed. Stored quantities are kept in the form the
 * client sent; a zero value (missing) prints as `0`.
 */
export function quantity(v: unknown): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return '0';
}

const ACCESS_MODES: Array<[mode: string, short: string]> = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** `RWO,ROX,RWX,RWOP` (always in that order, duplicates dropped). */
export function accessModes(modes: unknown[]): string {
  return ACCESS_MODES.filter(([mode]) => modes.includes(mode)).map(([, short]) => short).join(',');
}

/** Sorted, de-duplicated strings (sets.String.List()). */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** `"True"` / `"False"` / `"<unset>"` for an optional boolean (printBoolPtr). */
export function boolPtr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  return '<unset>';
}

/** The controller owner reference of an object, if any. */
export function controllerOf(obj: unknown): unknown {
  return list(obj, 'metadata', 'ownerReferences').find((r) => field(r, 'controller') === true);
}

// ---- column definitions ----

/** A column shown by default. */
export function col(name: string, type: string, description: string, format = ''): TableColumn {
  return { name, type, format, description, priority: 0 };
}

/** A column shown only with `-o wide`. */
export function wide(name: string, type: string, description: string, format = ''): TableColumn {
  return { name, type, format, description, priority: 1 };
}

/** The Name column every printer starts with. */
export const NAME_COLUMN: TableColumn = col('Name', 'string', 'The name of the object, unique among objects of its kind in its namespace.', 'name');

/** The Age column (a pre-formatted duration string). */
export const AGE_COLUMN: TableColumn = col('Age', 'string', 'How long ago the object was created.');

/** Wide columns for the containers and images of a pod template. */
export const CONTAINERS_COLUMN: TableColumn = wide('Containers', 'string', 'The names of the containers in the pod template.');
export const IMAGES_COLUMN: TableColumn = wide('Images', 'string', 'The images the containers of the pod template run.');
