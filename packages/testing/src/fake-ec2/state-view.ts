/** Read-only views of the fake's state, for assertions (internal wiring, public types). */
import type { InstanceDelays, InstanceStateName } from './instance-lifecycle.js';
import { stateAt } from './instance-lifecycle.js';
import { type RegionState, type Resource, RESOURCE_TYPES, type ResourceType } from './model.js';

/** One resource as tests see it. */
export interface FakeEc2Resource {
  /** Resource type. */
  readonly type: ResourceType;
  /** Resource id, e.g. `vpc-0a1b2c3d`. */
  readonly id: string;
  /** Region it lives in. */
  readonly region: string;
  /** The VPC it belongs to (subnets, route tables, groups, instances, attached gateways). */
  readonly vpcId: string | undefined;
  /** Instances: the state now; others: `available`. */
  readonly state: string;
  /** Its tags. */
  readonly tags: Readonly<Record<string, string>>;
}

/** An instance with the details tests assert on. */
export interface FakeEc2Instance extends FakeEc2Resource {
  readonly state: InstanceStateName;
  /** Subnet it was launched in. */
  readonly subnetId: string;
  /** Availability zone of its subnet. */
  readonly availabilityZone: string;
  /** Instance type. */
  readonly instanceType: string;
  /** AMI it was launched from. */
  readonly imageId: string;
  /** Private address, from its subnet. */
  readonly privateIpAddress: string;
  /** Public address, when it has one. */
  readonly publicIpAddress: string | undefined;
  /** Security groups it is in. */
  readonly securityGroupIds: readonly string[];
  /** The `ClientToken` it was launched with, if any. */
  readonly clientToken: string | undefined;
  /** User data decoded from base64 (UTF-8). */
  readonly userData: string | undefined;
}

/** Which resources a view lists; every given field must match. */
export interface FakeEc2ResourceFilter {
  /** Only resources in this region. */
  readonly region?: string;
  /** Only resources of this type. */
  readonly type?: ResourceType;
  /** Resources carrying this tag (`key` alone, or `key=value`). */
  readonly tag?: string;
  /** Include terminated instances (still visible to DescribeInstances for a while). @default false */
  readonly includeTerminated?: boolean;
}

/** Views of the fake's state. */
export interface FakeEc2StateView {
  /** Resources, in creation order per region. Default VPC parts (main route table, `default` group) included. */
  resources(filter?: FakeEc2ResourceFilter): FakeEc2Resource[];
  /** Resources grouped by type (every type present, possibly empty). */
  byType(filter?: Omit<FakeEc2ResourceFilter, 'type'>): Record<ResourceType, FakeEc2Resource[]>;
  /** Instances with details. */
  instances(filter?: Omit<FakeEc2ResourceFilter, 'type'>): FakeEc2Instance[];
  /** How many resources match. */
  count(filter?: FakeEc2ResourceFilter): number;
  /** Resources created by users: everything except each VPC's main route table and `default` security group. */
  userResources(filter?: FakeEc2ResourceFilter): FakeEc2Resource[];
}

function vpcOf(r: Resource): string | undefined {
  return r.type === 'vpc' ? r.id : 'vpcId' in r ? r.vpcId : undefined;
}

/** Builds the view over the regions. */
export function stateView(regions: ReadonlyMap<string, RegionState>, now: () => Date, delays: InstanceDelays): FakeEc2StateView {
  const toView = (region: string, r: Resource, t: number): FakeEc2Resource => ({
    type: r.type,
    id: r.id,
    region,
    vpcId: vpcOf(r),
    state: r.type === 'instance' ? stateAt(r, t, delays) : 'available',
    tags: Object.fromEntries(r.tags),
  });
  const select = (filter: FakeEc2ResourceFilter = {}): { region: string; r: Resource; t: number }[] => {
    const t = now().getTime();
    const [key, value] = filter.tag?.split('=', 2) ?? [];
    const out: { region: string; r: Resource; t: number }[] = [];
    for (const [name, region] of regions) {
      if (filter.region !== undefined && filter.region !== name) continue;
      for (const r of region.resources.values()) {
        if (filter.type !== undefined && r.type !== filter.type) continue;
        if (r.type === 'instance' && !filter.includeTerminated && stateAt(r, t, delays) === 'terminated') continue;
        if (key !== undefined && (!r.tags.has(key) || (value !== undefined && r.tags.get(key) !== value))) continue;
        out.push({ region: name, r, t });
      }
    }
    return out;
  };
  const resources = (filter?: FakeEc2ResourceFilter) => select(filter).map(({ region, r, t }) => toView(region, r, t));
  const isDefaultPart = (r: Resource) =>
    (r.type === 'route-table' && r.associations.some((a) => a.main)) || (r.type === 'security-group' && r.name === 'default');
  return {
    resources,
    byType(filter) {
      const all = resources(filter);
      return Object.fromEntries(RESOURCE_TYPES.map((type) => [type, all.filter((r) => r.type === type)])) as Record<ResourceType, FakeEc2Resource[]>;
    },
    instances: (filter) =>
      select({ ...filter, type: 'instance' }).map(({ region, r, t }) => {
        const i = r as Extract<Resource, { type: 'instance' }>;
        return {
          ...toView(region, i, t),
          state: stateAt(i, t, delays),
          subnetId: i.subnetId,
          availabilityZone: i.zone,
          instanceType: i.instanceType,
          imageId: i.imageId,
          privateIpAddress: i.privateIp,
          publicIpAddress: i.publicIp,
          securityGroupIds: i.groupIds,
          clientToken: i.clientToken,
          userData: i.userData === undefined ? undefined : Buffer.from(i.userData, 'base64').toString('utf8'),
        };
      }),
    count: (filter) => select(filter).length,
    userResources: (filter) =>
      select(filter)
        .filter(({ r }) => !isDefaultPart(r))
        .map(({ region, r, t }) => toView(region, r, t)),
  };
}
