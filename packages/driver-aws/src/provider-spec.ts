/** The `spec.provider.aws` schema: where and on what EC2 instances a guest cluster runs. */
import { cidr, defineProvider, parseCidr, stringMap, z, type FieldIssue } from '@kubeception/sdk';
import { AWS_REGIONS, availabilityZones, type AwsRegion } from './regions.js';

/** Tag key prefix Kubeception owns; users may not set tags under it. */
export const CLUSTER_TAG_PREFIX = 'kubeception.io/cluster/';
/** Prefix length of each subnet: one public and one private per availability zone. */
export const SUBNET_PREFIX = 24;

const REGIONS = Object.keys(AWS_REGIONS) as [AwsRegion, ...AwsRegion[]];

const instance = z.strictObject({
  instanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9]+$/, { error: (i) => `must be an EC2 instance type such as m5.large (got ${JSON.stringify(i.input)})` })
    .meta({ description: 'EC2 instance type.' }),
  ami: z
    .string()
    .regex(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, { error: (i) => `must be an AMI id such as ami-0123456789abcdef0 (got ${JSON.stringify(i.input)})` })
    .meta({ description: 'Machine image.' }),
});

const zones = z
  .strictObject({
    count: z.int().min(1).max(6).optional().meta({ description: 'Use the first N zones of the region.' }),
    names: z.array(z.string().regex(/^[a-z]{2}-[a-z]+-[0-9][a-z]$/)).min(1).optional().meta({ description: 'Explicit zone names.' }),
  })
  .check(
    z.refine((v: { count?: number; names?: string[] }) => (v.count === undefined) !== (v.names === undefined), { error: 'set exactly one of count or names' }),
  )
  .meta({
    description: 'Availability zones: a count or explicit names.',
    'x-kubernetes-validations': [{ rule: 'has(self.count) != has(self.names)', message: 'set exactly one of count or names' }],
  });

/** Schema of `spec.provider.aws`. */
export const awsSpecSchema = z
  .strictObject({
    region: z.enum(REGIONS, { error: (i) => `must be a supported AWS region (got ${JSON.stringify(i.input)}); supported: ${REGIONS.join(', ')}` }),
    availabilityZones: zones.prefault({ count: 1 }),
    vpcCIDR: cidr('VPC network; allocated when unset.').optional(),
    instances: z.strictObject({ master: instance, worker: instance }).meta({ description: 'Instance type and AMI per role.' }),
    rootVolumeSize: z.int().min(8).max(16_384).default(50).meta({ description: 'Root volume size in GiB.' }),
    sshKeyName: z.string().min(1).max(255).optional().meta({ description: 'EC2 key pair for SSH access.' }),
    tags: stringMap.default({}).meta({ description: 'Extra tags on every EC2 resource of the cluster.' }),
  })
  .meta({ description: 'Guest cluster on EC2 instances.' });

/** The parsed `spec.provider.aws`. */
export type AwsSpec = z.output<typeof awsSpecSchema>;

/** The `aws` provider: register it with `createClusterModel({ providers: [provider] })`. */
export const provider = defineProvider({
  name: 'aws',
  specSchema: awsSpecSchema,
  check: (spec) => [...checkZones(spec), ...checkVpc(spec), ...checkTags(spec)],
});

function checkZones({ region, availabilityZones: az }: AwsSpec): FieldIssue[] {
  const available = availabilityZones(region);
  const path = 'spec.provider.aws.availabilityZones';
  if (az.count !== undefined && az.count > available.length) {
    return [{ path: `${path}.count`, message: `${region} has ${available.length} availability zones, fewer than ${az.count}` }];
  }
  return (az.names ?? []).flatMap((name, i): FieldIssue[] => {
    if (!available.includes(name)) return [{ path: `${path}.names[${i}]`, message: `is not an availability zone of ${region} (${available.join(', ')})` }];
    return az.names?.indexOf(name) === i ? [] : [{ path: `${path}.names[${i}]`, message: `duplicate zone ${name}` }];
  });
}

function checkVpc({ vpcCIDR, availabilityZones: az }: AwsSpec): FieldIssue[] {
  const net = vpcCIDR === undefined ? undefined : parseCidr(vpcCIDR);
  if (net === undefined || typeof net === 'string') return []; // unset, or already reported by the schema
  const path = 'spec.provider.aws.vpcCIDR';
  if (net.prefix < 16) return [{ path, message: `must be /16 or smaller: EC2 allows no larger VPC (got /${net.prefix})` }];
  const zoneCount = az.count ?? az.names?.length ?? 1;
  const largestPrefix = SUBNET_PREFIX - Math.ceil(Math.log2(2 * zoneCount));
  return net.prefix <= largestPrefix
    ? []
    : [{ path, message: `${vpcCIDR} cannot hold a public and a private /${SUBNET_PREFIX} subnet in each of ${zoneCount} zones: use /${largestPrefix} or larger` }];
}

function checkTags({ tags }: AwsSpec): FieldIssue[] {
  return Object.keys(tags).flatMap((key): FieldIssue[] => {
    const path = `spec.provider.aws.tags[${JSON.stringify(key)}]`;
    if (key.startsWith('aws:')) return [{ path, message: 'tag keys starting with "aws:" are reserved by AWS' }];
    if (key.startsWith(CLUSTER_TAG_PREFIX) || key === 'Name') return [{ path, message: `is set by Kubeception and cannot be overridden` }];
    return key.length > 128 ? [{ path, message: 'tag keys must be at most 128 characters' }] : [];
  });
}
