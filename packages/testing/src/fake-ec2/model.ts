/** The resources the fake keeps, per region of the fake's one account (internal). */
import { randomBytes } from 'node:crypto';
import type { Cidr } from '@kubeception/sdk';
import type { XmlObject } from './xml.js';

/** Resource types the fake models, with EC2's `resource-type` names. */
export const RESOURCE_TYPES = ['vpc', 'subnet', 'internet-gateway', 'route-table', 'security-group', 'instance'] as const;
/**
 * A resource type the fake models, by EC2's `resource-type` name.
 * @useDeclaredType
 */
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** The id prefix of each resource type. */
export const PREFIXES: Readonly<Record<ResourceType, string>> = {
  vpc: 'vpc',
  subnet: 'subnet',
  'internet-gateway': 'igw',
  'route-table': 'rtb',
  'security-group': 'sg',
  instance: 'i',
};

interface Base {
  readonly id: string;
  readonly tags: Map<string, string>;
  /** Creation time on the fake's clock (ms). */
  readonly createdAt: number;
  /** Describe calls (of this type) still blind to the resource: the eventual-consistency fault. */
  hiddenFor: number;
}

/** A VPC. */
export interface Vpc extends Base {
  readonly type: 'vpc';
  readonly cidr: Cidr;
  readonly cidrAssociationId: string;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
}

/** A subnet. */
export interface Subnet extends Base {
  readonly type: 'subnet';
  readonly vpcId: string;
  readonly cidr: Cidr;
  readonly zone: string;
  readonly zoneId: string;
  mapPublicIpOnLaunch: boolean;
}

/** An internet gateway and its one attachment. */
export interface InternetGateway extends Base {
  readonly type: 'internet-gateway';
  vpcId: string | undefined;
}

/** A route in a route table. */
export interface Route {
  readonly destination: string;
  /** `local` or an internet gateway id. */
  readonly gatewayId: string;
  readonly origin: 'CreateRouteTable' | 'CreateRoute';
}

/** A route table association (main, or with a subnet). */
export interface Association {
  readonly id: string;
  readonly subnetId: string | undefined;
  readonly main: boolean;
}

/** A route table. */
export interface RouteTable extends Base {
  readonly type: 'route-table';
  readonly vpcId: string;
  readonly routes: Route[];
  readonly associations: Association[];
}

/** One security group rule (a single peer, as EC2 stores rules). */
export interface Rule {
  readonly id: string;
  /** `tcp`, `udp`, `icmp`, `-1` or a protocol number. */
  readonly protocol: string;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  readonly cidr: string | undefined;
  readonly groupId: string | undefined;
  readonly description: string | undefined;
}

/** A security group. */
export interface SecurityGroup extends Base {
  readonly type: 'security-group';
  readonly vpcId: string;
  readonly name: string;
  readonly description: string;
  readonly ingress: Rule[];
  readonly egress: Rule[];
}

/** An instance; its state is computed from the times below (see `instance-lifecycle.ts`). */
export interface Instance extends Base {
  readonly type: 'instance';
  readonly reservationId: string;
  readonly imageId: string;
  readonly architecture: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly zone: string;
  readonly privateIp: string;
  readonly publicIp: string | undefined;
  readonly groupIds: readonly string[];
  readonly keyName: string | undefined;
  /** Base64 as sent. */
  readonly userData: string | undefined;
  readonly clientToken: string | undefined;
  readonly launchIndex: number;
  readonly networkInterfaceId: string;
  terminateRequestedAt: number | undefined;
}

/** Any modelled resource. */
export type Resource = Vpc | Subnet | InternetGateway | RouteTable | SecurityGroup | Instance;

/** A RunInstances answer kept for its client token. */
export interface TokenRecord {
  readonly fingerprint: string;
  readonly reservationId: string;
  readonly instanceIds: readonly string[];
}

/** The first answer of a create action to its client token (`client-tokens.ts`). */
export interface CreateTokenRecord {
  readonly fingerprint: string;
  readonly answer: XmlObject;
}

/** A new random id: `prefix-` + 17 hex digits (8 for associations and rules, like EC2). */
export function newId(prefix: string, digits = 17): string {
  return `${prefix}-${randomBytes(Math.ceil(digits / 2))
    .toString('hex')
    .slice(0, digits)}`;
}

/** One region of the account. */
export class RegionState {
  readonly resources = new Map<string, Resource>();
  readonly clientTokens = new Map<string, TokenRecord>();
  /** Client tokens of the other create actions that take one (`CreateRouteTable`). */
  readonly createTokens = new Map<string, CreateTokenRecord>();

  constructor(
    readonly name: string,
    readonly zones: readonly string[],
  ) {}

  /** Every resource of a type, in creation order. */
  list<T extends Resource['type']>(type: T): Extract<Resource, { type: T }>[] {
    const out: Extract<Resource, { type: T }>[] = [];
    for (const r of this.resources.values()) if (r.type === type) out.push(r as Extract<Resource, { type: T }>);
    return out;
  }

  /** A resource by id and type, or undefined. */
  find<T extends Resource['type']>(type: T, id: string): Extract<Resource, { type: T }> | undefined {
    const r = this.resources.get(id);
    return r?.type === type ? (r as Extract<Resource, { type: T }>) : undefined;
  }

  /** Adds a resource. */
  add<R extends Resource>(resource: R): R {
    this.resources.set(resource.id, resource);
    return resource;
  }
}
