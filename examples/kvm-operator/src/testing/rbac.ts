/**
 * Just enough of RBAC authorization to check a deploy manifest against a request log: which
 * rules a ServiceAccount is bound to (ClusterRoleBinding: everywhere; RoleBinding: in its
 * namespace), and whether they allow a request. Not modelled: aggregated ClusterRoles,
 * `nonResourceURLs`, Group and User subjects, and the default roles every account has (discovery).
 */
import { parseAllDocuments } from 'yaml';

/** One rule of a Role or ClusterRole. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** A rule as bound to the subject: everywhere, or only in `namespace`. */
export interface Grant {
  readonly role: string;
  readonly namespace?: string;
  readonly rule: PolicyRule;
}

/** A request in RBAC terms; `resource` carries the subresource (`clusters/status`). */
export interface ApiRequest {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

interface Manifest {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly rules?: readonly PolicyRule[];
  readonly roleRef?: { readonly kind: string; readonly name: string };
  readonly subjects?: readonly { readonly kind: string; readonly name: string; readonly namespace?: string }[];
}

/** Every rule bound to the ServiceAccount `namespace/name` by the manifests (YAML documents). */
export function grantsFor(manifests: string, account: { readonly name: string; readonly namespace: string }): Grant[] {
  const docs = parseAllDocuments(manifests).map((d) => d.toJS() as Manifest);
  const role = (kind: string, name: string, namespace?: string) =>
    docs.find((d) => d.kind === kind && d.metadata.name === name && (kind === 'ClusterRole' || d.metadata.namespace === namespace));
  const bindsAccount = (d: Manifest) =>
    d.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace) ?? false;
  return docs
    .filter((d) => (d.kind === 'ClusterRoleBinding' || d.kind === 'RoleBinding') && bindsAccount(d))
    .flatMap((binding) => {
      const ref = binding.roleRef;
      const bound = ref && role(ref.kind, ref.name, binding.metadata.namespace);
      if (!bound) throw new Error(`${binding.kind} ${binding.metadata.name} refers to ${ref?.kind} ${ref?.name}, which the manifests do not define`);
      const namespace = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
      return (bound.rules ?? []).map((rule) => ({ role: bound.metadata.name, ...(namespace ? { namespace } : {}), rule }));
    });
}

const matches = (list: readonly string[], value: string) => list.includes('*') || list.includes(value);

/** Whether one grant allows the request. */
export function allows(grant: Grant, request: ApiRequest): boolean {
  const { rule } = grant;
  if (grant.namespace !== undefined && grant.namespace !== request.namespace) return false;
  if (!matches(rule.apiGroups, request.group) || !matches(rule.resources, request.resource) || !matches(rule.verbs, request.verb)) return false;
  return rule.resourceNames === undefined || rule.resourceNames.length === 0 || (request.name !== undefined && rule.resourceNames.includes(request.name));
}

/** `group/resource:verb`, the group empty for core. */
export const permission = (r: Pick<ApiRequest, 'group' | 'resource' | 'verb'>) => `${r.group}/${r.resource}:${r.verb}`;

/** Requests no grant allows, as `group/resource:verb` (sorted, without repeats). */
export function denied(grants: readonly Grant[], requests: readonly ApiRequest[]): string[] {
  return [
    ...new Set(requests.filter((r) => !grants.some((g) => allows(g, r))).map((r) => `${permission(r)}${r.namespace ? ` in ${r.namespace}` : ''}`)),
  ].sort();
}

/** Each verb on each resource a grant gives that no request used, as `role: group/resource:verb`. */
export function unused(grants: readonly Grant[], requests: readonly ApiRequest[]): string[] {
  const found = new Set<string>();
  for (const grant of grants) {
    const { apiGroups, resources, verbs } = grant.rule;
    for (const group of apiGroups) {
      for (const resource of resources) {
        for (const verb of verbs) {
          const one: Grant = { ...grant, rule: { ...grant.rule, apiGroups: [group], resources: [resource], verbs: [verb] } };
          if (!requests.some((r) => allows(one, r))) found.add(`${grant.role}: ${permission({ group, resource, verb })}`);
        }
      }
    }
  }
  return [...found].sort();
}
