/**
 * What the hostile cases run against (internal): a world (the fakes with the real operators), a
 * victim tenant in it with a Ready Cluster `victim/demo`, and the two questions asked after every
 * case: is the victim exactly as it was, and did a case leave anything of its own behind.
 */
import { CertificateAuthorityResource, CertificateResource, ClusterResource, clusterId, type KubeObject } from '@kubeception/sdk';
import { NamespaceResource, SecretResource, type KubeClient } from '@kubeception/sdk/kube';
import type { RequestLog, StartedFakeEc2, StartedFakeVault } from '@kubeception/testing';
import type { KubeConfig } from '@kubernetes/client-node';
import { dataHash, descriptorOf, fail, none, until, value, type Made, type Tenant, type VictimFacts, type WorldName } from './hostile-support.js';

/** The victim tenant's namespace and Cluster name, in both worlds. */
export const VICTIM = { namespace: 'victim', name: 'demo' } as const;

/** A world the hostile cases run in. */
export interface HostileWorld {
  readonly name: WorldName;
  readonly kubeConfig: KubeConfig;
  /** An admin client of the host (for checks, never for the cases). */
  readonly admin: KubeClient;
  readonly vault: StartedFakeVault;
  /** The AWS world's EC2. */
  readonly ec2?: StartedFakeEc2;
  /** The host API server's request log. */
  readonly requests: RequestLog;
  readonly victim: VictimFacts;
  /** Everything of the victim's a case could change, as comparable text. */
  snapshot(): Promise<Record<string, unknown>>;
  /** What is left of the Clusters a case made or named, outside its namespace (host namespaces, ledger, flannel, EC2). */
  leftoversOutside(ids: readonly { readonly namespace: string; readonly name: string }[]): Promise<string[]>;
  stop(): Promise<void>;
}

const rv = (o: KubeObject) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`;

/** Vault as the root token reads it. */
async function vaultRead(vault: StartedFakeVault, path: string): Promise<unknown> {
  const response = await fetch(`${vault.url}/v1/${path}`, { headers: { 'X-Vault-Token': vault.rootToken } });
  return response.ok ? ((await response.json()) as { data?: unknown }).data : `HTTP ${response.status}`;
}

/** The mounts Vault has, with the owner each records. */
export async function vaultMounts(vault: StartedFakeVault): Promise<Record<string, string>> {
  const mounts = (await vaultRead(vault, 'sys/mounts')) as Record<string, { type?: string; description?: string }>;
  return Object.fromEntries(
    Object.entries(mounts)
      .filter(([, m]) => m.type === 'pki')
      .map(([path, m]) => [path, m.description ?? '']),
  );
}

/** The victim's PKI as the host and Vault have it: objects with their versions, Secret data hashes, the mount, its roles, certificates and policies. */
export async function pkiSnapshot(admin: KubeClient, vault: StartedFakeVault): Promise<Record<string, unknown>> {
  const { namespace, name } = VICTIM;
  const id = clusterId(VICTIM);
  const mount = `pki-${id}`;
  const cluster = await admin.resource(ClusterResource).get(name, { namespace }).match(value, fail);
  const authorities = (await admin.resource(CertificateAuthorityResource).list({ namespace }).match(value, fail)).items;
  const certificates = (await admin.resource(CertificateResource).list({ namespace }).match(value, fail)).items;
  const secrets = (await admin.resource(SecretResource).list({ namespace }).match(value, fail)).items;
  const roles = vault.state.roles(mount);
  const roleData = Object.fromEntries(
    await Promise.all(roles.map(async (role) => [role, JSON.stringify(await vaultRead(vault, `${mount}/roles/${role}`))] as const)),
  );
  const issued = vault.state.certificates(mount);
  return {
    cluster: `${rv(cluster)} ${cluster.status?.phase}`,
    authorities: authorities.map(rv).sort(),
    certificates: certificates.map(rv).sort(),
    secrets: secrets.map((s) => `${rv(s)}#${dataHash(s)}`).sort(),
    mount: (await vaultMounts(vault))[`${mount}/`] ?? 'absent',
    roles: roleData,
    issued: `${issued.length} issued, ${issued.filter((c) => c.revoked).length} revoked`,
    policies: vault.state.policies().filter((p) => p.includes(`-${id}-roles-`)),
  };
}

/** Polls until every object the tenant made is gone; returns those still there. */
async function stillThere(tenant: Tenant, timeoutMs: number): Promise<Made[]> {
  return until(
    async () => (await Promise.all(tenant.made.map(async (m) => ((await tenant.get(m.kind, m.name)) === undefined ? [] : [m])))).flat(),
    (left) => left.length === 0,
    timeoutMs,
  );
}

/** The coordinates of every Cluster a tenant made or named (a CA's or Certificate's clusterRef). */
export function clustersOf(tenant: Tenant, keep: readonly string[] = []): { namespace: string; name: string }[] {
  const names = new Set(tenant.made.map((m) => m.cluster).filter((name) => !keep.includes(name)));
  return [...names].map((name) => ({ namespace: tenant.namespace, name }));
}

/** Lets what a tenant made go even where its operator cannot finish its cleanup (after a cleanup gap was shown). */
export async function dropFinalizers(admin: KubeClient, tenant: Tenant): Promise<void> {
  await Promise.all(
    tenant.made.map((m) =>
      admin.resource(descriptorOf(m.kind)).patch(m.name, { type: 'merge', body: { metadata: { finalizers: null } } }, { namespace: tenant.namespace }),
    ),
  );
}

/** Deletes what a tenant made (its Kubeception objects), without waiting. */
export async function deleteMade(tenant: Tenant): Promise<void> {
  await Promise.all(tenant.made.map((m) => tenant.kube.resource(descriptorOf(m.kind)).delete(m.name, { namespace: tenant.namespace }).match(none, none)));
}

/**
 * What is left of a tenant's case once its objects were deleted: the objects themselves, Secrets
 * a Certificate wrote (owned by one of them, or labelled with one of its Clusters), Vault mounts
 * and policies of its Clusters' IDs or naming its namespace, and what the world keeps outside.
 * Bait Secrets must be there, unchanged and owned by nobody. `keep`: Clusters of the namespace that
 * are not the case's (the fixture tenant's), whose PKI stays.
 */
export async function leftovers(
  world: HostileWorld,
  tenant: Tenant,
  bait: ReadonlyMap<string, string>,
  keep: readonly string[] = [],
  timeoutMs = 20_000,
): Promise<string[]> {
  const left = (await stillThere(tenant, timeoutMs)).map((m) => `${m.kind} ${m.name} still exists`);
  const uids = new Set(tenant.made.map((m) => m.uid));
  const clusters = clustersOf(tenant, keep);
  const secrets = (await world.admin.resource(SecretResource).list({ namespace: tenant.namespace }).match(value, fail)).items;
  for (const secret of secrets) {
    const name = secret.metadata?.name ?? '';
    if (bait.has(name)) {
      const now = `${dataHash(secret)} owners=${(secret.metadata?.ownerReferences ?? []).length}`;
      if (now !== bait.get(name)) left.push(`bait Secret ${name} changed: ${bait.get(name)} → ${now}`);
      continue;
    }
    const written =
      (secret.metadata?.ownerReferences ?? []).some((r) => uids.has(r.uid)) ||
      clusters.some((c) => secret.metadata?.labels?.['kubeception.io/cluster'] === c.name);
    if (written) left.push(`Secret ${name} (written for the case) still exists`);
  }
  for (const name of bait.keys()) if (!secrets.some((s) => s.metadata?.name === name)) left.push(`bait Secret ${name} was deleted`);
  const ids = clusters.map((c) => clusterId(c));
  for (const [path, owner] of Object.entries(await vaultMounts(world.vault))) {
    const kept = keep.some((name) => owner.includes(` ${tenant.namespace}/${name} `));
    if (!kept && (ids.some((id) => path === `pki-${id}/`) || owner.includes(` ${tenant.namespace}/`))) left.push(`Vault mount ${path} (${owner})`);
  }
  for (const policy of world.vault.state.policies()) if (ids.some((id) => policy.includes(`-${id}-roles-`))) left.push(`Vault policy ${policy}`);
  left.push(...(await world.leftoversOutside(clusters)));
  return left;
}

/** The bait Secrets of a case as they must stay: data hash, owned by nobody. */
export async function baitState(world: HostileWorld, namespace: string, names: readonly string[]): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  for (const name of names) {
    const secret = await world.admin.resource(SecretResource).get(name, { namespace }).match(value, none);
    state.set(name, `${dataHash(secret)} owners=0`);
  }
  return state;
}

/** Creates a namespace (the victim's, the fixture tenant's, a case's). */
export async function ensureNamespace(admin: KubeClient, name: string): Promise<void> {
  await admin
    .resource(NamespaceResource)
    .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
    .match(none, (error) => {
      if (error.kind !== 'AlreadyExists') throw new Error(`namespace ${name}: ${error.message}`);
    });
}

/** Waits until the Cluster `namespace/name` is Ready (or throws with its conditions). */
export async function clusterReady(admin: KubeClient, namespace: string, name: string, timeoutMs: number): Promise<void> {
  const read = async () => await admin.resource(ClusterResource).get(name, { namespace }).match(value, none);
  const cluster = await until(read, (c) => c?.status?.phase === 'Ready' && c.status.observedGeneration === c.metadata.generation, timeoutMs);
  if (cluster?.status?.phase !== 'Ready') throw new Error(`Cluster ${namespace}/${name} not Ready: ${JSON.stringify(cluster?.status?.conditions)}`);
}
