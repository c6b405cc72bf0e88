/** The fake's fixed catalogue: regions with their zones, images and instance types (internal defaults). */
import { createHash } from 'node:crypto';

/** An AMI in the catalogue of {@link FakeEc2Options.images}. */
export interface FakeEc2Image {
  /** Name of the image; the id is derived from it and the region unless `id` is given. */
  readonly name: string;
  /** A fixed id in every region. @default `ami-` + 17 hex digits derived from region and name */
  readonly id?: string;
  /** @default 'x86_64' */
  readonly architecture?: 'x86_64' | 'arm64';
  /** @default '137112412989' (Amazon) */
  readonly ownerId?: string;
  /** @default the name */
  readonly description?: string;
}

/** Regions and their availability zones when no `regions` option is given. */
export const DEFAULT_REGIONS: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'],
  'us-east-2': ['us-east-2a', 'us-east-2b', 'us-east-2c'],
  'us-west-2': ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d'],
  'eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  'eu-central-1': ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
  'ap-southeast-2': ['ap-southeast-2a', 'ap-southeast-2b', 'ap-southeast-2c'],
};

/** Images when no `images` option is given (a small catalogue, ids per region). */
export const DEFAULT_IMAGES: readonly FakeEc2Image[] = [
  { name: 'flatcar-stable-4152.2.3-hvm', ownerId: '075585003325', description: 'Flatcar Container Linux stable 4152.2.3 (HVM)' },
  {
    name: 'flatcar-stable-4152.2.3-arm64-hvm',
    ownerId: '075585003325',
    architecture: 'arm64',
    description: 'Flatcar Container Linux stable 4152.2.3 (HVM, arm64)',
  },
  { name: 'al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64', description: 'Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1' },
  {
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241206',
    ownerId: '099720109477',
    description: 'Canonical, Ubuntu, 24.04, amd64 noble image',
  },
];

/** Instance types when no `instanceTypes` option is given. */
export const DEFAULT_INSTANCE_TYPES: readonly string[] = [
  't3.nano',
  't3.micro',
  't3.small',
  't3.medium',
  't3.large',
  't3.xlarge',
  't3.2xlarge',
  't4g.micro',
  't4g.small',
  't4g.medium',
  't4g.large',
  'm5.large',
  'm5.xlarge',
  'm5.2xlarge',
  'm5.4xlarge',
  'm6i.large',
  'm6i.xlarge',
  'm6i.2xlarge',
  'm7g.large',
  'm7g.xlarge',
  'c5.large',
  'c5.xlarge',
  'c5.2xlarge',
  'c6i.large',
  'c6i.xlarge',
  'r5.large',
  'r5.xlarge',
  'r6i.large',
  'm1.small',
];

/** The id of a catalogue image in a region. */
export function imageId(image: FakeEc2Image, region: string): string {
  return image.id ?? `ami-${createHash('sha256').update(`${region}/${image.name}`).digest('hex').slice(0, 17)}`;
}

/** The zone id EC2 gives a zone (`use1-az1` for `us-east-1a`). */
export function zoneId(zone: string, index: number): string {
  const region = zone.replace(/[a-z]$/, '');
  const [area = '', direction = '', number = ''] = region.split('-');
  return `${area}${direction.slice(0, 1)}${number}-az${index + 1}`;
}
