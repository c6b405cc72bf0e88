/**
 * Which region a Cluster's EC2 resources are in (reads only the Cluster).
 *
 * A region is fixed once a Cluster exists: the CRD refuses changing `spec.provider.aws.region`
 * (a CEL transition rule of the provider's schema). The driver checks again, for Clusters
 * written before that rule existed or under a CRD without it (an open `spec.provider`): the
 * region its resources are in is the one its nodes were recorded in (`status.nodes[].providerID`,
 * `aws:///<zone>/<instance id>`), and a spec naming another region is refused
 * ({@link regionChanged}) before anything is created there.
 *
 * What the driver can and cannot see: EC2 finds resources by tag only in one region at a time, so
 * it looks in one region, the recorded one when there is one, else the spec's. It sees the old
 * region of a moved Cluster once at least one instance of it was observed (and so recorded); a
 * Cluster moved before any instance was recorded (its VPC, subnets and security groups being
 * built) leaves those in the old region, unseen: they keep the ownership tag, and deleting them
 * takes a look for that tag in the old region by hand.
 */
import { clusterId, type Cluster, type Persisted } from '@kubeception/sdk';
import type { DriverError } from '@kubeception/sdk/cluster';
import { err, ok, type Result } from 'neverthrow';
import { ownerTag } from './plan.js';
import { AWS_REGIONS, type AwsRegion } from './regions.js';

/** Whether `value` is a supported region (a key of {@link AWS_REGIONS}). */
export const isRegion = (value: unknown): value is AwsRegion => typeof value === 'string' && Object.hasOwn(AWS_REGIONS, value);

/** The region of a `providerID` (`aws:///eu-west-1a/i-0abc` → `eu-west-1`), when it names a supported one. */
export function regionOfProviderId(providerId: string | undefined): AwsRegion | undefined {
  const zone = /^aws:\/\/\/([a-z0-9-]+[0-9])[a-z]\/[^/]+$/.exec(providerId ?? '')?.[1];
  return isRegion(zone) ? zone : undefined;
}

/** The regions the Cluster's nodes were last recorded in (usually one; none before its first instance). */
export function recordedRegions(cluster: Persisted<Cluster>): AwsRegion[] {
  const regions = (cluster.status?.nodes ?? []).flatMap((n) => regionOfProviderId(n.providerID) ?? []);
  return [...new Set(regions)];
}

/** The region `spec.provider.aws.region` names as written, when it is a supported one (for a provider part that does not parse). */
export function writtenRegion(cluster: Persisted<Cluster>): AwsRegion | undefined {
  const region = ((cluster.spec.provider as Record<string, { region?: unknown } | undefined>).aws ?? {}).region;
  return isRegion(region) ? region : undefined;
}

/**
 * The refusal of a Cluster whose spec names another region than the one its nodes run in: it
 * would be built again in the new region while everything in the old one stays.
 */
export function regionChanged(cluster: Persisted<Cluster>, region: AwsRegion): Result<void, DriverError> {
  const recorded = recordedRegions(cluster);
  if (recorded.length === 0 || recorded.includes(region)) return ok(undefined);
  const message = `spec.provider.aws.region is ${region}, but the cluster's nodes run in ${recorded.join(', ')}: the region of a cluster cannot change; set it back to ${recorded[0] ?? ''}`;
  return err({ kind: 'InvalidSpec', reason: 'RegionChanged', terminal: true, message });
}

/**
 * The one region to look for the Cluster's resources in: the recorded region when the spec names
 * another (a refused move, being deleted), else the spec's region; with no parsed spec, the region
 * as written when it is supported. A failure when no region is known.
 */
export function searchRegion(cluster: Persisted<Cluster>, spec: { readonly region: AwsRegion } | undefined): Result<AwsRegion, DriverError> {
  const recorded = recordedRegions(cluster);
  const named = spec?.region ?? writtenRegion(cluster);
  if (named !== undefined && (recorded.length === 0 || recorded.includes(named))) return ok(named);
  const [first] = recorded;
  if (first !== undefined) return ok(first);
  const written = JSON.stringify((cluster.spec.provider as Record<string, { region?: unknown } | undefined>).aws?.region);
  return err({
    kind: 'InvalidSpec',
    terminal: true,
    message: `cannot tell which region the cluster's EC2 resources are in: spec.provider.aws.region is ${written ?? 'unset'}, not a supported region, and no node was recorded in status; set a supported region, or delete what is tagged ${ownerTag(clusterId(cluster.metadata))} by hand and remove the finalizer`,
  });
}
