/**
 * A stateful fake Amazon EC2 as msw 2 handlers (in-process with `setupServer`), also servable on
 * a real 127.0.0.1 port. It speaks the EC2 Query protocol (`POST /`, form-encoded
 * `Action=…&Version=2016-11-15`, flattened 1-based lists) and answers XML in EC2's namespace with
 * `<requestId>` and `x-amzn-requestid`, and EC2's error document
 * (`<Response><Errors><Error><Code>…`) with EC2's codes, wording and status codes, so the real
 * `@aws-sdk/client-ec2` works against it unchanged.
 *
 * ## What it models
 * - One account (`accountId`), several regions with their availability zones; state per region
 *   (the region comes from the SigV4 credential scope, else an `ec2.<region>.amazonaws.com` host).
 *   An unknown region answers 401 `AuthFailure`.
 * - VPCs: `CreateVpc` (CIDR /16–/28, `InvalidVpc.Range`; each VPC gets a main route table and a
 *   `default` security group), `DescribeVpcs`, `DeleteVpc`, `ModifyVpcAttribute`,
 *   `DescribeVpcAttribute` (DNS support/hostnames).
 * - Subnets: `CreateSubnet` (inside the VPC, /16–/28, no overlap → `InvalidSubnet.Range` /
 *   `InvalidSubnet.Conflict`; zones of the region), `DescribeSubnets` (with
 *   `availableIpAddressCount`), `DeleteSubnet`, `ModifySubnetAttribute` (`MapPublicIpOnLaunch`).
 * - Internet gateways: create, attach (one per VPC), detach (refused while instances have public
 *   addresses), delete, describe. Route tables: create, `CreateRoute`/`DeleteRoute` to an
 *   internet gateway (`blackhole` once it is detached), associate/disassociate subnets, describe,
 *   delete. `CreateRouteTable`'s `ClientToken` (≤ 64 ASCII characters, per region): the same token
 *   and parameters → the first answer again, nothing created (even while the table is invisible to
 *   Describe); other parameters → `IdempotentParameterMismatch`.
 * - Security groups: create, describe, delete, `Authorize`/`Revoke` ingress and egress (CIDR and
 *   group peers, rule ids, `InvalidPermission.Duplicate` with EC2's rule text).
 * - Instances: `RunInstances` (image, type, counts, subnet or network interface, groups, user data,
 *   public addresses, private addresses allocated from the subnet, `InsufficientFreeAddressesInSubnet`,
 *   `ClientToken` idempotency: same token and parameters → the same reservation; other parameters →
 *   `IdempotentParameterMismatch`; terminated → `IdempotentInstanceTerminated`),
 *   `DescribeInstances`, `TerminateInstances`, `DescribeInstanceAttribute` (`userData`,
 *   `instanceType`, `groupSet`). States move `pending → running` and
 *   `shutting-down → terminated` on the fake's clock (`now`, `instanceDelays`); terminated instances
 *   stay visible for a retention time, then vanish.
 * - Tags: tag-on-create through `TagSpecification.N` on every create, `CreateTags`, `DeleteTags`
 *   (by key, or key and value), `DescribeTags`; 50 tags per resource, `aws:` keys refused.
 * - Describe calls: `Filter.N` with EC2 semantics (filters AND, values OR, `*`/`?` wildcards,
 *   `tag:<key>`, `tag-key`, `tag-value`, unknown names refused) and `MaxResults`/`NextToken`.
 * - `DescribeAvailabilityZones`, `DescribeRegions`, `DescribeImages` from a small catalogue.
 * - `DependencyViolation` (with EC2's wording per type) when deleting a VPC, subnet, security group,
 *   internet gateway or route table still in use; `InvalidXxxID.NotFound` / `.Malformed`;
 *   `DryRun` (`DryRunOperation`, 412).
 * - Faults: errors by action/region/count/probability (5xx or any code), throttling
 *   (`RequestLimitExceeded`, 503), latency, eventual consistency (new resources invisible to
 *   Describe calls for N calls); a request log and state views.
 *
 * ## What it does not model
 * Other AWS services (ELB, Route 53, IAM, STS, CloudFormation, SSM…); IAM authorization and
 * signature checks (any credentials work); a default VPC (launches and groups need a VPC);
 * key pairs (any `KeyName` is accepted), EBS volumes and snapshots, block device mappings,
 * network interfaces and Elastic IPs as resources (an instance has one implicit interface),
 * NAT gateways, VPC endpoints, peering, network ACLs, DHCP options, IPv6, secondary CIDRs,
 * prefix lists, launch templates, spot, placement groups, stop/start/reboot, instance metadata,
 * capacity errors, service quotas other than 50 tags per resource, real networking (addresses
 * are bookkeeping only), and eventual consistency on mutating calls (only Describe calls are
 * blind to new resources). Routes target internet gateways only.
 *
 * @example
 * ```ts
 * import { createFakeEc2 } from '@kubeception/testing';
 * import { setupServer } from 'msw/node';
 * import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
 *
 * const ec2 = createFakeEc2();
 * const server = setupServer(...ec2.handlers);
 * server.listen({ onUnhandledRequest: 'bypass' });
 * const client = new EC2Client({ region: 'us-east-1', endpoint: 'https://ec2.fake.test', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
 * ec2.faults.throttle({ action: 'CreateVpc', times: 1 });
 * await client.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' })); // the SDK retries once
 * expect(ec2.requests.count({ code: 'RequestLimitExceeded' })).toBe(1);
 * server.close();
 * ```
 * @packageDocumentation
 */

// Fake EC2
export { createFakeEc2, FAKE_EC2_ACTIONS, startFakeEc2 } from './fake-ec2.js';
export type { FakeEc2, FakeEc2InstanceDelays, FakeEc2Options, StartedFakeEc2 } from './fake-ec2.js';
export type { FakeEc2Image } from './catalog.js';
export type { ResourceType as FakeEc2ResourceType } from './model.js';
export type { InstanceStateName as FakeEc2InstanceState } from './instance-lifecycle.js';

// State views
export type { FakeEc2Instance, FakeEc2Resource, FakeEc2ResourceFilter, FakeEc2StateView } from './state-view.js';

// Fault injection and request log
export type { Ec2ConsistencySpec, Ec2FailureSpec, Ec2FaultHandle, Ec2FaultMatch, Ec2Faults, Ec2GateTarget, Ec2LatencySpec, Ec2ThrottleSpec } from './faults.js';
export type { Ec2RequestFilter, Ec2RequestLog, Ec2RequestRecord } from './request-log.js';
