/**
 * AWS regions a guest cluster may use and how many availability zones each offers to new
 * accounts (`a`, `b`, `c`, … in order).
 */
export const AWS_REGIONS = {
  'us-east-1': 6,
  'us-east-2': 3,
  'us-west-1': 2,
  'us-west-2': 4,
  'ca-central-1': 3,
  'sa-east-1': 3,
  'eu-west-1': 3,
  'eu-west-2': 3,
  'eu-west-3': 3,
  'eu-central-1': 3,
  'eu-north-1': 3,
  'ap-south-1': 3,
  'ap-southeast-1': 3,
  'ap-southeast-2': 3,
  'ap-northeast-1': 3,
  'ap-northeast-2': 4,
} as const;
/** A supported AWS region: a key of {@link AWS_REGIONS}. */
export type AwsRegion = keyof typeof AWS_REGIONS;

/** Availability zone names of a region, in order (`eu-west-1a`, `eu-west-1b`, …). */
export function availabilityZones(region: AwsRegion): string[] {
  return Array.from({ length: AWS_REGIONS[region] }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
}
