/** The apps/v1 strategies. */
export { controllerRevisionStrategy, daemonSetStrategy } from './daemonset.js';
export { deploymentStrategy, replicaSetStrategy } from './deployment.js';
export { statefulSetStrategy } from './statefulset.js';
