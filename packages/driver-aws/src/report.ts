/** What the driver reports of a cluster's EC2 resources against its plan: conditions, endpoint and nodes (pure). */
import type { Cluster, Persisted } from '@kubeception/sdk';
import { driverCondition, type DriverCondition, type Observed } from '@kubeception/sdk/cluster';
import type { Result } from 'neverthrow';
import type { Unrenderable } from './cloud-config.js';
import type { AwsWorld } from './observe.js';
import type { Plan, PlannedNode } from './plan.js';

/** A condition still being provisioned while it does not hold; `waiting` says what for. */
const condition = (type: DriverCondition['type'], ok: boolean, waiting: string): DriverCondition => driverCondition(type, ok, 'Provisioning', waiting);

/**
 * The Cluster's status as `world` shows it, measured against its plan. A spec that cannot be
 * rendered is reported (apply refuses it); observing, and so deleting, goes on.
 */
export function reportWorld(cluster: Persisted<Cluster>, planned: Result<Plan, Unrenderable>, world: AwsWorld): Observed<AwsWorld> {
  return planned.match(
    (plan): Observed<AwsWorld> => {
      /** A node is up when an instance with its current launch configuration runs. */
      const current = (n: PlannedNode) => (world.instances[n.name] ?? []).find((i) => i.config === n.config && i.state !== 'shutting-down');
      const up = (n: PlannedNode) => current(n)?.state === 'running';
      const running = (role: 'master' | 'worker') => plan.nodes.filter((n) => n.role === role).every(up);
      const endpointIp = plan.nodes.filter((n) => n.role === 'master').map(current)[0]?.publicIp;
      const network = Boolean(world.gateway?.attachedTo && world.routeTable?.defaultRoute);
      const subnets = plan.subnets.every((s) => world.subnets[s.role]);
      const groups = plan.securityGroups.every((g) => world.securityGroups[g.role]);
      return {
        provider: world,
        conditions: [
          condition('VpcReady', Boolean(world.vpc), 'creating the VPC'),
          condition('SubnetsReady', subnets, `${plan.subnets.filter((s) => !world.subnets[s.role]).length} subnets to create`),
          condition('SecurityGroupsReady', groups, 'creating security groups'),
          condition('InstancesReady', plan.nodes.every(up), `${plan.nodes.filter((n) => !up(n)).length} instances not running their current configuration`),
          condition('InfrastructureReady', Boolean(world.vpc) && subnets && groups, 'creating VPC, subnets and security groups'),
          condition('NetworkReady', network, 'attaching the internet gateway and routes'),
          condition('ControlPlaneReady', running('master'), 'master instances starting'),
          condition('WorkersReady', running('worker'), 'worker instances starting'),
        ],
        network: { podCIDR: cluster.spec.network.podCIDR },
        ...(endpointIp ? { endpoint: { host: endpointIp, port: cluster.spec.kubernetes.api.securePort } } : {}),
        nodes: plan.nodes.flatMap((n) => {
          const instance = current(n) ?? world.instances[n.name]?.[0];
          // providerID names the zone, and so the region the cluster's resources are in (see region.ts)
          return instance
            ? [
                {
                  name: n.name,
                  role: n.role,
                  ...(n.pool ? { pool: n.pool } : {}),
                  ready: up(n),
                  ...(instance.privateIp ? { address: instance.privateIp } : {}),
                  providerID: `aws:///${instance.zone ?? n.zone}/${instance.id}`,
                },
              ]
            : [];
        }),
      };
    },
    (error): Observed<AwsWorld> => ({
      provider: world,
      conditions: [{ type: 'InfrastructureReady', status: 'False', reason: 'InvalidSpec', message: error.message }],
    }),
  );
}
