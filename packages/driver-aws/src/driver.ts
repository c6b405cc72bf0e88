/**
 * `createAwsDriver`: the SDK's `ClusterDriver` on EC2. Everything it creates is tagged
 * `kubeception.io/cluster/<name>=owned`, so observe finds it from the Cluster alone.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ClusterDriver, DriverCondition, DriverError, Observed, SecretValue } from '@kubeception/sdk';
import { okAsync, type ResultAsync } from 'neverthrow';
import { applyPlan } from './apply.js';
import { cleanupWorld } from './cleanup.js';
import { observeWorld, type AwsWorld } from './observe.js';
import { PendingCreations } from './pending.js';
import { planCluster } from './plan.js';
import { provider, type AwsSpec } from './provider-spec.js';

/** Options of {@link createAwsDriver}. */
export interface AwsDriverOptions {
  /** An EC2 client for a region (explicit credentials and region in tests). */
  readonly ec2: (region: string) => EC2Client;
  /** Base interval between passes while something is being created or deleted. @default 1000 */
  readonly pollMs?: number;
  /**
   * Mints the boot token of a node: a single-use, short-TTL, response-wrapped Vault token
   * limited to the cluster's policy (e.g. `pki.issueClusterToken(cluster, { ttl: '1h', wrapTTL: '10m' })`).
   * It goes into the node's user data with `vaultAddr`; see README "Node boot". @default none
   */
  readonly bootToken?: (cluster: string, node: string) => ResultAsync<SecretValue, DriverError>;
  /** Vault address nodes use to unwrap their boot token. */
  readonly vaultAddr?: string;
}

export function createAwsDriver(options: AwsDriverOptions): ClusterDriver<AwsSpec, AwsWorld> {
  const pending = new PendingCreations();
  const condition = (type: DriverCondition['type'], ok: boolean, reason: string): DriverCondition => ({ type, status: ok ? 'True' : 'False', reason: ok ? 'AsExpected' : 'Provisioning', message: ok ? '' : reason });
  return {
    name: 'aws',
    provider: provider as never,
    observe: (cluster, spec) =>
      observeWorld(options.ec2(spec.region), cluster.metadata.name).map((world): Observed<AwsWorld> => {
        const plan = planCluster(cluster, spec);
        /** A node is up when an instance with its current launch configuration runs. */
        const current = (n: (typeof plan.nodes)[number]) => (world.instances[n.name] ?? []).find((i) => i.config === n.config && i.state !== 'shutting-down');
        const up = (n: (typeof plan.nodes)[number]) => current(n)?.state === 'running';
        const running = (role: 'master' | 'worker') => plan.nodes.filter((n) => n.role === role).every(up);
        const masters = plan.nodes.filter((n) => n.role === 'master').map(current);
        const endpointIp = masters[0]?.publicIp;
        const network = Boolean(world.gateway?.attachedTo && world.routeTable?.defaultRoute);
        return {
          provider: world,
          conditions: [
            condition('VpcReady', Boolean(world.vpc), 'creating the VPC'),
            condition('SubnetsReady', plan.subnets.every((s) => world.subnets[s.role]), `${plan.subnets.filter((s) => !world.subnets[s.role]).length} subnets to create`),
            condition('SecurityGroupsReady', plan.securityGroups.every((g) => world.securityGroups[g.role]), 'creating security groups'),
            condition('InstancesReady', plan.nodes.every(up), `${plan.nodes.filter((n) => !up(n)).length} instances not running their current configuration`),
            condition('InfrastructureReady', Boolean(world.vpc) && plan.subnets.every((s) => world.subnets[s.role]) && plan.securityGroups.every((g) => world.securityGroups[g.role]), 'creating VPC, subnets and security groups'),
            condition('NetworkReady', network, 'attaching the internet gateway and routes'),
            condition('ControlPlaneReady', running('master'), 'master instances starting'),
            condition('WorkersReady', running('worker'), 'worker instances starting'),
          ],
          network: { podCIDR: cluster.spec.network.podCIDR },
          ...(endpointIp ? { endpoint: { host: endpointIp, port: cluster.spec.kubernetes.api.securePort } } : {}),
          nodes: plan.nodes.flatMap((n) => {
            const instance = current(n) ?? world.instances[n.name]?.[0];
            return instance ? [{ name: n.name, role: n.role, ...(n.pool ? { pool: n.pool } : {}), ready: up(n), ...(instance.privateIp ? { address: instance.privateIp } : {}), providerID: `aws:///${instance.zone ?? n.zone}/${instance.id}` }] : [];
          }),
        };
      }),
    apply: (cluster, spec, observed) => applyPlan(options.ec2(spec.region), planCluster(cluster, spec), observed.provider, options.pollMs, pending, options.bootToken ? { mint: options.bootToken, vaultAddr: options.vaultAddr ?? '' } : undefined),
    cleanup: (cluster, spec, observed) => (spec === undefined ? okAsync({ type: 'done' as const }) : cleanupWorld(options.ec2(spec.region), cluster.metadata.name, observed.provider, options.pollMs)),
  };
}
