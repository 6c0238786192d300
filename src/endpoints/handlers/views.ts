/** Media types listed in 406 answers for view requests. */
export { newBadRequest, newNotAcceptable } from '../../runtime/errors.js';

export const serverAcceptedViews = [
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json',
  'application/yaml',
];
