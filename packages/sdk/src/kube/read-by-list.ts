/**
 * Reading one object by a LIST of its name (`fieldSelector=metadata.name=<name>`), for an operator
 * whose RBAC grants `list` and `watch` on a kind (what its cache needs) and not `get`: the read a
 * controller makes when its cache holds less than it needs (a digest, no spec) or the object is
 * not in its cache. `list` exposes every object of the kind anyway, so `get` adds no access; not
 * asking for it keeps the operators' roles as they are.
 */
import { okAsync, type ResultAsync } from 'neverthrow';
import type { KubeObject, Persisted } from '../resource.js';
import type { KubeError } from './errors.js';
import type { ResourceClient } from './resource-client.js';

/**
 * The object `namespace/name` read live, or `undefined` when there is none.
 *
 * @example
 * ```ts
 * const secret = await readByList(kube.resource(SecretResource), 'demo-admin', 'default'); // Result<Secret | undefined, KubeError>
 * ```
 */
export function readByList<T extends KubeObject, I extends KubeObject>(
  client: ResourceClient<T, I>,
  name: string,
  namespace: string,
): ResultAsync<Persisted<T> | undefined, KubeError> {
  return client.list({ namespace, fieldSelector: `metadata.name=${name}` }).andThen((list) => okAsync(list.items.find((o) => o.metadata.name === name)));
}
