/**
 * What a printer provides beyond the registry's TableConvertor contract.
 */
import type { JsonObject, KubeObject } from '../runtime/object.js';
import type { TableConvertor } from '../registry/rest/table.js';

/**
 * A TableConvertor that may also attach metav1.TableRowCondition entries to a
 * row (kube-apiserver marks finished pods with a `Completed` condition, which
 * kubectl uses to de-emphasise them). Convertors without it produce rows
 * without `conditions`.
 */
export interface PrinterTableConvertor extends TableConvertor {
  rowConditions?(obj: KubeObject): JsonObject[] | undefined;
  /**
   * The order rows of a list are printed in, when the printer imposes one
   * (FlowSchemas print by matching precedence). Lists otherwise keep storage order.
   */
  order?(objects: KubeObject[]): KubeObject[];
}
