/**
 * `@kubeception/driver-aws`: guest clusters on EC2 instances.
 *
 * The `spec.provider.aws` schema and `createAwsDriver` (VPC, internet gateway, subnets, route
 * table, security groups, instances — all tagged as owned by the cluster). In progress: its
 * end-to-end tests against the fake EC2 and the aws-operator example.
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
export { createAwsDriver } from './driver.js';
export type { AwsDriverOptions } from './driver.js';
export type { BootNode } from './apply.js';
export type { CloudConfig, CloudConfigFile, Unrenderable } from './cloud-config.js';
export { DEFAULT_MANAGED_BY, DEFAULT_VPC_CIDR, MANAGED_BY_TAG, NODE_TAG, ROLE_TAG, ownerTag, planCluster, subnetCidr } from './plan.js';
export type { Plan, PlanOptions, PlannedNode, PlannedRule, PlannedSubnet } from './plan.js';
export type { AwsWorld } from './observe.js';
export { toDriverError } from './ec2-errors.js';
