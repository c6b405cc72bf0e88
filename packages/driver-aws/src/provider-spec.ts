/** The `spec.provider.aws` schema: where and on what EC2 instances a guest cluster runs. */
import { cidr, defineProvider, parseCidr, z, type FieldIssue } from '@kubeception/sdk';
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
    .meta({ description: 'EC2 instance type, such as m5.large.' }),
  ami: z
    .string()
    .regex(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, { error: (i) => `must be an AMI id such as ami-0123456789abcdef0 (got ${JSON.stringify(i.input)})` })
    .meta({ description: 'Machine image (AMI id) the nodes boot, such as ami-0123456789abcdef0.' }),
});

/** EC2 key pair names: up to 255 ASCII characters (printable, as the console accepts them). */
const SSH_KEY_NAME_PATTERN = '^[ -~]+$';

const zones = z
  .strictObject({
    count: z.int().min(1).max(6).optional().meta({ description: 'Use the first count (1-6) availability zones of the region.' }),
    names: z
      .array(
        z
          .string()
          .regex(/^[a-z]{2}-[a-z]+-[0-9][a-z]$/)
          .meta({ description: 'An availability zone of the region, such as eu-west-1a.' }),
      )
      .min(1)
      .optional()
      .meta({ description: 'Explicit availability zones of the region, each at most once.' }),
  })
  .check(
    z.refine((v: { count?: number; names?: string[] }) => (v.count === undefined) !== (v.names === undefined), { error: 'set exactly one of count or names' }),
  )
  .meta({
    description: 'Availability zones the nodes are spread over, each with a public and a private subnet: a count or explicit names.',
    'x-kubernetes-validations': [
      { rule: 'has(self.count) != has(self.names)', message: 'set exactly one of count or names' },
      // the subnets, and the instances in them, are laid out per zone
      { rule: 'self == oldSelf', message: 'spec.provider.aws.availabilityZones is immutable' },
    ],
  });

/** Schema of `spec.provider.aws`. */
export const awsSpecSchema = z
  .strictObject({
    region: z.enum(REGIONS, { error: (i) => `must be a supported AWS region (got ${JSON.stringify(i.input)}); supported: ${REGIONS.join(', ')}` }).meta({
      description: 'AWS region the cluster runs in; one of the supported regions. Fixed once the cluster exists.',
      'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'spec.provider.aws.region is immutable' }],
    }),
    availabilityZones: zones.prefault({ count: 1 }),
    vpcCIDR: cidr(
      `Network of the cluster VPC: /16 or smaller, with room for a public and a private /${SUBNET_PREFIX} subnet per zone; allocated when unset. Fixed once set.`,
    ).optional(),
    instances: z
      .strictObject({
        master: instance.meta({ description: 'EC2 instance type and image of the master nodes.' }),
        worker: instance.meta({ description: 'EC2 instance type and image of the worker nodes.' }),
      })
      .meta({ description: 'Instance type and machine image per node role.' }),
    rootVolumeSize: z.int().min(8).max(16_384).default(50).meta({ description: 'Size of the root volume of each instance, in GiB (8-16384).' }),
    sshKeyName: z
      .string()
      .min(1)
      .max(255)
      .meta({ pattern: SSH_KEY_NAME_PATTERN })
      .check(z.refine((v: string) => new RegExp(SSH_KEY_NAME_PATTERN).test(v), { error: 'must be printable ASCII characters' }))
      .optional()
      .meta({ description: 'Name of the EC2 key pair allowed to log in to the nodes over SSH; no SSH access when unset.' }),
    tags: z
      .record(z.string(), z.string().max(256).meta({ description: 'Tag value, at most 256 characters.' }))
      .default({})
      .meta({
        description: `Extra tags put on every EC2 resource of the cluster. Keys are at most 128 characters; aws:…, ${CLUSTER_TAG_PREFIX}… and Name are reserved.`,
      }),
  })
  .meta({
    description: 'Guest cluster on EC2 instances.',
    'x-kubernetes-validations': [
      {
        rule: '!has(oldSelf.vpcCIDR) || (has(self.vpcCIDR) && self.vpcCIDR == oldSelf.vpcCIDR)',
        message: 'spec.provider.aws.vpcCIDR is immutable once set',
        fieldPath: '.vpcCIDR',
      },
    ],
  });

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
    : [
        {
          path,
          message: `${vpcCIDR} cannot hold a public and a private /${SUBNET_PREFIX} subnet in each of ${zoneCount} zones: use /${largestPrefix} or larger`,
        },
      ];
}

/** Tag keys a spec may not set: Kubeception's own. */
const RESERVED_TAG_PREFIX = 'kubeception.io/';

function checkTags({ tags }: AwsSpec): FieldIssue[] {
  return Object.keys(tags).flatMap((key): FieldIssue[] => {
    const path = `spec.provider.aws.tags[${JSON.stringify(key)}]`;
    if (key.startsWith('aws:')) return [{ path, message: 'tag keys starting with "aws:" are reserved by AWS' }];
    // the whole kubeception.io/ prefix: ownership, managed-by and the driver's own bookkeeping
    // (configured, node, role, …) must not be forgeable from a spec
    if (key.startsWith(RESERVED_TAG_PREFIX) || key === 'Name') return [{ path, message: `is set by Kubeception and cannot be overridden` }];
    return key.length > 128 ? [{ path, message: 'tag keys must be at most 128 characters' }] : [];
  });
}
