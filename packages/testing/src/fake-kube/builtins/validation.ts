/**
 * The validation of built-in kinds beyond metadata (internal): which checks each kind gets, on
 * create and update. The object is in the form of the API it came through (events.k8s.io Events
 * are checked in their core form, as the server checks its internal type).
 */
import type { ResourceType } from '../resource-type.js';
import type { KubeObject, StatusCause } from '../types.js';
import { configMapErrors, secretErrors } from './config-validation.js';
import { toCoreEvent } from './event-conversion.js';
import { eventErrors } from './event-validation.js';
import { leaseErrors } from './lease-validation.js';
import { podSpecErrors, podUpdateErrors } from './pod-validation.js';
import { bindingErrors, roleErrors } from './rbac-validation.js';
import { serviceErrors } from './service-validation.js';
import { daemonSetErrors, deploymentErrors, jobErrors, replicaSetErrors } from './workload-validation.js';

const RBAC = 'rbac.authorization.k8s.io';

/** The causes of a built-in object's own fields (empty when valid, and for custom resources); `old` on an update. */
export function builtinErrors(rt: ResourceType, obj: KubeObject, old?: KubeObject): StatusCause[] {
  switch (rt.key) {
    case '/configmaps':
      return configMapErrors(obj);
    case '/secrets':
      return secretErrors(obj);
    case 'coordination.k8s.io/leases':
      return leaseErrors(obj);
    case '/events':
      return eventErrors(obj, false);
    case 'events.k8s.io/events':
      return eventErrors(toCoreEvent(obj), old === undefined);
    case '/pods':
      return [...podSpecErrors(obj.spec, 'spec'), ...(old ? podUpdateErrors(obj.spec, old.spec) : [])];
    case '/services':
      return serviceErrors(obj, old);
    case 'apps/deployments':
      return deploymentErrors(obj, old);
    case 'apps/replicasets':
      return replicaSetErrors(obj, old);
    case 'apps/daemonsets':
      return daemonSetErrors(obj, old);
    case 'batch/jobs':
      return jobErrors(obj);
    case `${RBAC}/roles`:
      return roleErrors(obj, true);
    case `${RBAC}/clusterroles`:
      return roleErrors(obj, false);
    case `${RBAC}/rolebindings`:
      return bindingErrors(obj, true, old);
    case `${RBAC}/clusterrolebindings`:
      return bindingErrors(obj, false, old);
    default:
      return [];
  }
}
