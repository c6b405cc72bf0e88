/**
 * `@kubeception/driver-aws`: guest clusters on EC2 instances.
 *
 * The `spec.provider.aws` schema, `createAwsDriver` (VPC, internet gateway, subnets, route
 * table, security groups, instances — all tagged as owned by the cluster) and the aws-operator
 * assembled from them, {@link createAwsOperator} (or {@link awsOperatorControllers} to run its
 * controller in a manager with others).
 *
 * @example
 * ```ts
 * import { createClusterModel } from '@kubeception/sdk';
 * import { createAwsOperator, provider } from '@kubeception/driver-aws';
 * const clusters = createClusterModel({ providers: [provider] });
 * await createAwsOperator({ handleSignals: true }).start();
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
export { DEFAULT_EC2_CLIENT_CONFIG, ec2Clients } from './ec2-clients.js';
export type { Ec2Clients } from './ec2-clients.js';

// The aws-operator: its controllers (to merge into another manager) and the operator itself
export { AWS_OPERATOR, awsOperatorControllers, createAwsOperator } from './operator.js';
export type { AwsOperatorControllersOptions, AwsOperatorOptions } from './operator.js';
