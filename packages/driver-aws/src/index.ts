/**
 * `@kubeception/driver-aws`: guest clusters on EC2 instances.
 *
 * So far this package provides the `spec.provider.aws` schema; the driver (VPC, subnets,
 * security groups, instances) lands with its issue.
 *
 * @example
 * ```ts
 * import { createClusterModel } from '@kubeception/sdk';
 * import { provider } from '@kubeception/driver-aws';
 * const clusters = createClusterModel({ providers: [provider] });
 * ```
 * @packageDocumentation
 */
export { CLUSTER_TAG_PREFIX, SUBNET_PREFIX, awsSpecSchema, provider } from './provider-spec.js';
export type { AwsSpec } from './provider-spec.js';
export { AWS_REGIONS, availabilityZones } from './regions.js';
export type { AwsRegion } from './regions.js';
