/**
 * The component Secrets the driver reads (internal): the Certificates' own Secrets in the
 * Cluster's namespace, which it copies into the host namespace and whose `admin` certificate it
 * dials the guest with. Their cache may keep their data values as digests (`dataDigests`, the
 * labelled Secret cache the Certificate controller and the Cluster controller share): then
 *
 * - a copy is planned with the source's digests (compared with the copy's cached digests as
 *   they are), and the source is read whole only to write a copy that differs (a Cluster's
 *   sources all at once, by one LIST of its labelled Secrets, as when its copies are first made);
 * - the admin certificate is read whole once per version of the Secret (its digests) and kept
 *   per Cluster until the Cluster is deleted.
 *
 * Reads are LISTs by name (`readByList`): the operator's role grants list and watch on Secrets,
 * not get.
 *
 * A cache that keeps the data whole works as before (nothing is read).
 */
import { Component, Label, SecretValue, type Cluster, type KubeObject, type Persisted } from '@kubeception/sdk';
import type { DriverError } from '@kubeception/sdk/cluster';
import { readByList, SecretResource, type KubeClient, type KubeError, type Secret } from '@kubeception/sdk/kube';
import { hasDigests } from '@kubeception/sdk/runtime';
import { okAsync, ResultAsync } from 'neverthrow';
import { secretName } from '../render/certificates.js';
import type { GuestTarget } from './guest.js';

/** The copies planned from digested sources: already in their cache's form, to be read whole before they are written. */
const planned = new WeakMap<KubeObject, Source>();

/** A source Secret: where it is, and the Cluster its label names. */
interface Source {
  readonly namespace: string;
  readonly name: string;
  readonly cluster: string;
}

/** Records `copy` as made from the digested `source` (`plan.ts`'s `secretCopies`). */
export function plannedFrom(copy: KubeObject, source: Secret): void {
  const { namespace = '', name = '', labels = {} } = source.metadata ?? {};
  planned.set(copy, { namespace, name, cluster: labels[Label.Cluster] ?? '' });
}

/** Whether `object` is a copy planned from a digested source (its form is the cache's already). */
export const plannedFromDigests = (object: KubeObject): boolean => planned.has(object);

/**
 * The objects to write, each copy planned from digests made again from its source read whole
 * (one gone since is not written): one source by a GET, several of a Cluster by one LIST of its
 * labelled Secrets.
 */
export function materialise(kube: KubeClient, objects: readonly KubeObject[]): ResultAsync<KubeObject[], DriverError> {
  const sources = objects.flatMap((o) => planned.get(o) ?? []);
  if (sources.length === 0) return okAsync([...objects]);
  return readSources(kube, sources).map((whole) =>
    objects.flatMap((object): KubeObject[] => {
      const source = planned.get(object);
      if (source === undefined) return [object];
      const data = whole.get(`${source.namespace}/${source.name}`);
      return data === undefined ? [] : [{ ...object, data: { ...data } } as KubeObject];
    }),
  );
}

/** The data of `sources` read whole, by `namespace/name` (none for a source gone). */
function readSources(kube: KubeClient, sources: readonly Source[]): ResultAsync<Map<string, Record<string, string>>, DriverError> {
  const secrets = kube.resource(SecretResource);
  const failed =
    (what: string) =>
    (cause: KubeError): DriverError => ({ kind: 'Transient', message: `read ${what}: ${cause.message}`, cause });
  const [first] = sources;
  if (sources.length === 1 && first !== undefined)
    return readByList(secrets, first.name, first.namespace)
      .map((whole) => new Map(whole === undefined ? [] : [[`${first.namespace}/${first.name}`, whole.data ?? {}]]))
      .mapErr(failed(`Secret ${first.namespace}/${first.name}`));
  const groups = [...new Set(sources.map((s) => JSON.stringify([s.namespace, s.cluster])))].map((g) => JSON.parse(g) as [string, string]);
  const lists = groups.map(([namespace, cluster]) =>
    secrets
      .list({ namespace, labelSelector: `${Label.Cluster}=${cluster}` })
      .map((list) => list.items)
      .mapErr(failed(`the Secrets of Cluster ${namespace}/${cluster}`)),
  );
  return ResultAsync.combine(lists).map((all) => new Map(all.flat().map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s.data ?? {}])));
}

/** The admin certificate as the guest is dialed with. */
export type AdminCertificate = NonNullable<GuestTarget['admin']>;

const decode = (data: Record<string, string> | undefined, key: string) =>
  data?.[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8');

const adminOf = (data: Record<string, string> | undefined): AdminCertificate => ({
  certPem: decode(data, 'tls.crt') ?? '',
  keyPem: new SecretValue(decode(data, 'tls.key') ?? ''),
  caPem: decode(data, 'ca.crt') ?? '',
});

/** The admin certificates read whole, per Cluster, with the digests of the Secret they were read at. */
export interface AdminCertificates {
  /** The Cluster's admin certificate from its Secret among `certificates` (none before it is issued), read whole when its digests are new. */
  resolve(cluster: Persisted<Cluster>, certificates: readonly Persisted<Secret>[]): ResultAsync<AdminCertificate | undefined, DriverError>;
  /** Forgets a Cluster's (it is deleted). */
  forget(cluster: Persisted<Cluster>): void;
}

export function createAdminCertificates(kube: KubeClient): AdminCertificates {
  const known = new Map<string, { readonly digests: string; readonly admin: AdminCertificate }>();
  const keyOf = (cluster: Persisted<Cluster>) => `${cluster.metadata.namespace}/${cluster.metadata.name}`;
  return {
    resolve: (cluster, certificates) => {
      const name = secretName(cluster.metadata.name, Component.Admin);
      const secret = certificates.find((s) => s.metadata.name === name);
      if (secret === undefined) return okAsync(undefined);
      if (!hasDigests(secret)) return okAsync(adminOf(secret.data));
      const digests = JSON.stringify(secret.data);
      const key = keyOf(cluster);
      const hit = known.get(key);
      if (hit?.digests === digests) return okAsync(hit.admin);
      return readByList(kube.resource(SecretResource), name, secret.metadata.namespace ?? '')
        .map((whole) => {
          if (whole === undefined) return undefined;
          const admin = adminOf(whole.data);
          // kept under the digests the cache showed: the cache's next version of the Secret is read again
          known.set(key, { digests, admin });
          return admin;
        })
        .mapErr((cause): DriverError => ({ kind: 'Transient', message: `read Secret ${secret.metadata.namespace}/${name}: ${cause.message}`, cause }));
    },
    forget: (cluster) => {
      known.delete(keyOf(cluster));
    },
  };
}
