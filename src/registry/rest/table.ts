/**
 * Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the
 * columns kube-apiserver's printers show for a kind, and the cells of one row.
 */
import type { KubeObject } from '../../runtime/object.js';

/** metav1.TableColumnDefinition. */
export interface TableColumn {
  name: string;
  /** OpenAPI type: `string`, `integer`, `number`, `boolean`, `date`. */
  type: string;
  /** OpenAPI format, e.g. `name` for the Name column. */
  format: string;
  description: string;
  /** 0 = shown by default; 1 = only with `-o wide`. */
  priority: number;
}

/** Turns objects of one kind into table rows. */
export interface TableConvertor {
  columns: TableColumn[];
  /** The cells of the row for obj, one per column. `now` is the time used for Age columns. */
  cells(obj: KubeObject, now: Date): unknown[];
}
