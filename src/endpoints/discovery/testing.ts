/**
 * A small, realistic set of resource definitions for the discovery and
 * OpenAPI tests (no strategies: those documents only read the names).
 */
import type { ResourceDefinition, SubresourceDefinition, Verb } from '../../registry/rest/definition.js';

const crud: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const getPatchUpdate: Verb[] = ['get', 'patch', 'update'];

function sub(name: string, group: string, version: string, kind: string, verbs: Verb[]): SubresourceDefinition {
  return { name, group, version, kind, verbs };
}

function def(
  partial: Pick<ResourceDefinition, 'group' | 'version' | 'kind' | 'resource' | 'namespaced' | 'message'> & Partial<ResourceDefinition>,
): ResourceDefinition {
  return {
    listKind: `${partial.kind}List`,
    singular: partial.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: crud,
    subresources: [],
    persisted: true,
    ...partial,
  };
}

/** Pods, configmaps, services, namespaces, events (core and events.k8s.io), deployments, HPAs (v1 and v2), SSAR. */
export function fixtureDefinitions(): ResourceDefinition[] {
  return [
    def({ group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, message: 'k8s.io.api.apps.v1.Deployment', shortNames: ['deploy'], categories: ['all'],
      subresources: [sub('status', 'apps', 'v1', 'Deployment', getPatchUpdate), sub('scale', 'autoscaling', 'v1', 'Scale', getPatchUpdate)] }),
    def({ group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, message: 'k8s.io.api.core.v1.Pod', shortNames: ['po'], categories: ['all'],
      subresources: [sub('status', '', 'v1', 'Pod', getPatchUpdate), sub('eviction', 'policy', 'v1', 'Eviction', ['create']), sub('log', '', 'v1', 'Pod', ['get']),
        sub('exec', '', 'v1', 'PodExecOptions', ['create', 'get']), sub('proxy', '', 'v1', 'PodProxyOptions', ['create', 'delete', 'get', 'patch', 'update'])] }),
    def({ group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true, message: 'k8s.io.api.core.v1.ConfigMap', shortNames: ['cm'] }),
    def({ group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true, message: 'k8s.io.api.core.v1.Service', shortNames: ['svc'], categories: ['all'],
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: [sub('status', '', 'v1', 'Service', getPatchUpdate)] }),
    def({ group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, message: 'k8s.io.api.core.v1.Namespace', shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: [sub('status', '', 'v1', 'Namespace', getPatchUpdate), sub('finalize', '', 'v1', 'Namespace', ['update'])] }),
    def({ group: '', version: 'v1', kind: 'Event', resource: 'events', namespaced: true, message: 'k8s.io.api.core.v1.Event', shortNames: ['ev'] }),
    def({ group: 'events.k8s.io', version: 'v1', kind: 'Event', resource: 'events', namespaced: true, message: 'k8s.io.api.events.v1.Event', shortNames: ['ev'] }),
    def({ group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers', namespaced: true,
      message: 'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler', shortNames: ['hpa'], categories: ['all'],
      subresources: [sub('status', 'autoscaling', 'v1', 'HorizontalPodAutoscaler', getPatchUpdate)] }),
    def({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers', namespaced: true,
      message: 'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler', shortNames: ['hpa'], categories: ['all'],
      subresources: [sub('status', 'autoscaling', 'v2', 'HorizontalPodAutoscaler', getPatchUpdate)] }),
    def({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', resource: 'selfsubjectaccessreviews', namespaced: false,
      message: 'k8s.io.api.authorization.v1.SelfSubjectAccessReview', verbs: ['create'], persisted: false }),
  ];
}
