/** The security group stage against the fake EC2, and the rules it finds missing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ruleKey, type AwsWorld } from '../observe.js';
import { vpcStage } from './network.js';
import { missingRules, securityGroupsStage } from './security-groups.js';
import { startStageBench, testPlan, type StageBench } from './stage.test-support.js';

describe('securityGroupsStage', () => {
  let bench: StageBench;
  beforeEach(async () => {
    bench = await startStageBench('groups');
    await bench.converge(vpcStage);
  });
  afterEach(() => bench.close());

  it('creates the three groups in one pass, then opens every planned rule in one more', async () => {
    expect(await bench.converge(securityGroupsStage)).toEqual([`creating security group ${bench.plan.id}-master`, 'opening security group rules']);
    expect(bench.fake.requests.count({ action: 'CreateSecurityGroup' })).toBe(3);
    const world = await bench.observe();
    expect(Object.keys(world.securityGroups).sort()).toEqual(['sg-ingress', 'sg-master', 'sg-worker']);
    expect(missingRules(bench.plan, world)).toEqual([]);
    // etcd is open to the masters' own group, by its id
    expect(world.securityGroups['sg-master']?.rules).toContain(ruleKey('tcp', 2379, 2380, `sg:${world.securityGroups['sg-master']?.id ?? ''}`));
  });

  it('takes a rule another pass opened meanwhile (InvalidPermission.Duplicate) as open', async () => {
    await bench.step(securityGroupsStage);
    const stale = await bench.observe();
    await bench.converge(securityGroupsStage);
    const progress = await bench.step(securityGroupsStage, { world: stale });
    expect(progress?._unsafeUnwrap()).toMatchObject({ reason: 'opening security group rules' });
    expect(bench.fake.requests.count({ code: 'InvalidPermission.Duplicate' })).toBeGreaterThan(0);
  });
});

describe('missingRules', () => {
  const plan = testPlan('rules');
  const [master, worker, ingress] = plan.securityGroups;
  const world = (rules: { master?: string[]; worker?: string[]; ingress?: string[] }): AwsWorld => ({
    subnets: {},
    instances: {},
    securityGroups: {
      'sg-master': { id: 'sg-m', rules: rules.master ?? [], references: [] },
      'sg-worker': { id: 'sg-w', rules: rules.worker ?? [], references: [] },
      'sg-ingress': { id: 'sg-i', rules: rules.ingress ?? [], references: [] },
    },
  });
  /** A group's planned rules as observe keys them, with the test world's group ids. */
  const keys = (group: typeof master) =>
    (group?.rules ?? []).map((r) =>
      ruleKey(r.protocol, r.fromPort, r.toPort, r.group ? `sg:${{ 'sg-master': 'sg-m', 'sg-worker': 'sg-w', 'sg-ingress': 'sg-i' }[r.group]}` : (r.cidr ?? '')),
    );

  it('is every planned rule, with its group id, when the groups have none', () => {
    const missing = missingRules(plan, world({}));
    expect(missing).toHaveLength([master, worker, ingress].reduce((n, g) => n + (g?.rules.length ?? 0), 0));
    expect(new Set(missing.map((m) => m.id))).toEqual(new Set(['sg-m', 'sg-w', 'sg-i']));
  });

  it('is nothing when every rule is open, sources compared by group id', () => {
    expect(missingRules(plan, world({ master: keys(master), worker: keys(worker), ingress: keys(ingress) }))).toEqual([]);
  });

  it('counts a rule from a group as missing while it names another group', () => {
    const elsewhere = keys(worker).map((k) => k.replace('sg:sg-m', 'sg:sg-other'));
    const missing = missingRules(plan, world({ master: keys(master), worker: elsewhere, ingress: keys(ingress) }));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((m) => m.id === 'sg-w' && m.rule.group === 'sg-master')).toBe(true);
  });

  it('takes rules of a group observe does not see as missing, with no id', () => {
    const partial: AwsWorld = {
      subnets: {},
      instances: {},
      securityGroups: { 'sg-master': { id: 'sg-m', rules: keys(master), references: [] }, 'sg-worker': { id: 'sg-w', rules: keys(worker), references: [] } },
    };
    expect(missingRules(plan, partial).map((m) => m.id)).toEqual((ingress?.rules ?? []).map(() => ''));
  });
});
