/** Builds admission attributes from a request. */
import type { Attributes, Operation } from '../../admission/interfaces.js';
import type { KubeObject } from '../../runtime/object.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import type { EndpointScope } from './scope.js';
import { addAuditAnnotation } from '../../audit/index.js';

export function admissionAttributes(scope: EndpointScope, ctx: RequestContext, info: RequestInfo, operation: Operation, obj: KubeObject | null, old: KubeObject | null, dryRun: boolean): Attributes {
  return {
    operation,
    group: scope.def.group,
    version: scope.def.version,
    kind: scope.def.kind,
    resource: scope.def.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name || obj?.metadata?.name || '',
    object: obj,
    oldObject: old,
    dryRun,
    user: ctx.user,
    addWarning: (text) => {
      if (!ctx.warnings.includes(text)) ctx.warnings.push(text);
    },
    addAuditAnnotation: (key, value) => addAuditAnnotation(ctx, key, value),
  };
}
