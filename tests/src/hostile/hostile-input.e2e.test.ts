/**
 * A hostile-but-fair tenant against the real operators on the fakes: 90+ hostile or invalid
 * objects and spec changes, sent as a tenant sends them (the SDK client, or client-node with
 * `fieldValidation=Strict` as kubectl does), each in its own namespace (or the fixture tenant's).
 *
 * Every case states its outcome: refused at admission (4xx naming the field), reported by the
 * object (a condition with a reason and a message), accepted on resources of its own (a fair
 * request that must work), or ignored (a plain object no operator acts on). For every case the
 * victim tenant (`victim/demo`, Ready, with its CA, Certificates, Secrets, Vault mount, roles and
 * policies, host namespace, network ledger entry and flannel config, or its EC2 resources) must be
 * exactly as it was; and once the case's objects are deleted, nothing of theirs may be left.
 *
 * Where the outcome today is not the expected one, the case carries `knownGap`: its expectation
 * is asserted to fail (so fixing the gap fails this suite until the mark goes) and its `fact`
 * asserts what happens instead. The cases are sent all at once, then checked one by one.
 */
import { clusterId } from '@kubeception/sdk';
import { NamespaceResource } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsHostileWorld } from './aws-hostile.js';
import { checkExpectation } from './hostile-check.js';
import { baitState, deleteMade, dropFinalizers, ensureNamespace, leftovers, vaultMounts, VICTIM, type HostileWorld } from './hostile-world.js';
import { Tenant, type CaseContext, type HostileCase, type WorldName } from './hostile-support.js';
import { FIXTURE, startKvmHostileWorld } from './kvm-hostile.js';
import { AWS_CASES } from './aws-cases.js';
import { KVM_LIFECYCLE_CASES } from './kvm-lifecycle-cases.js';
import { KVM_PKI_CASES } from './kvm-pki-cases.js';
import { KVM_SPEC_CASES } from './kvm-spec-cases.js';

const CASES: readonly HostileCase[] = [...KVM_SPEC_CASES, ...KVM_PKI_CASES, ...KVM_LIFECYCLE_CASES, ...AWS_CASES];

const worlds = new Map<WorldName, HostileWorld>();
const baselines = new Map<WorldName, Record<string, unknown>>();
const marks = new Map<WorldName, { kube: number; vault: number }>();
const contexts = new Map<string, CaseContext>();
const baits = new Map<string, Map<string, string>>();
const sendErrors = new Map<string, unknown>();
const verdicts = new Map<string, 'held' | 'gap' | 'failed'>();
const cleanups = new Map<string, 'held' | 'failed'>();
const phases: string[] = [];
let phaseStart = Date.now();
const phase = (name: string) => {
  phases.push(`${name} ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
  phaseStart = Date.now();
};

const namespaceOf = (c: HostileCase) => c.namespace ?? `h-${c.id}`;
const worldOf = (c: HostileCase) => worlds.get(c.world) as HostileWorld;

beforeAll(async () => {
  const needed = [...new Set(CASES.map((c) => c.world))];
  const started = await Promise.all(needed.map((name) => (name === 'kvm' ? startKvmHostileWorld() : startAwsHostileWorld())));
  phase('worlds and victims');
  for (const world of started) {
    worlds.set(world.name, world);
    baselines.set(world.name, await world.snapshot());
    marks.set(world.name, { kube: world.requests.all().length, vault: world.vault.requests.all().length });
  }
  // every case at once: each in its namespace, as its own tenant
  await Promise.all(
    CASES.map(async (c) => {
      const world = worldOf(c);
      const namespace = namespaceOf(c);
      await ensureNamespace(world.admin, namespace);
      const ctx: CaseContext = {
        tenant: new Tenant(namespace, world.kubeConfig),
        admin: world.admin,
        victim: world.victim,
        vault: world.vault,
        ...(world.ec2 ? { ec2: world.ec2 } : {}),
      };
      contexts.set(c.id, ctx);
      await c.send(ctx).catch((error: unknown) => sendErrors.set(c.id, error));
      baits.set(c.id, await baitState(world, namespace, c.bait ?? []));
    }),
  );
  phase('sending');
}, 120_000);

afterAll(async () => {
  const rows = CASES.map((c) => ({
    id: c.id,
    world: c.world,
    outcome: c.expect.outcome,
    gap: c.knownGap !== undefined,
    verdict: verdicts.get(c.id) ?? 'not run',
  }));
  const count = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).length;
  console.log(
    [
      `hostile input: ${rows.length} cases (${count((r) => r.world === 'kvm')} KVM, ${count((r) => r.world === 'aws')} AWS)`,
      ...(['refused', 'reported', 'accepted', 'ignored'] as const).map(
        (o) => `  ${o.padEnd(9)} ${String(count((r) => r.outcome === o && !r.gap)).padStart(3)} as expected`,
      ),
      `  known gaps ${String(count((r) => r.gap)).padStart(2)} in the outcome, ${CASES.filter((c) => c.cleanupGap).length} in the cleanup`,
      `  failed    ${String(count((r) => r.verdict === 'failed')).padStart(3)} in the outcome, ${CASES.filter((c) => cleanups.get(c.id) !== 'held').length} in the cleanup`,
      ...CASES.filter((c) => c.knownGap).map((c) => `    gap ${c.id} ${c.what}: ${c.knownGap}`),
      ...CASES.filter((c) => c.cleanupGap).map((c) => `    cleanup gap ${c.id} ${c.what}: ${c.cleanupGap}`),
      `  time: ${phases.join(', ')}`,
    ].join('\n'),
  );
  await Promise.all([...worlds.values()].map((w) => w.stop()));
});

it('has 90 or more cases, each with its own id', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(90);
  expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
});

// sibling suites marked concurrent run alongside each other: each phase is wrapped in a sequential one
describe('outcomes', () => {
  describe('each hostile case ends as expected, and the victim tenant is as it was', { concurrent: true }, () => {
    for (const c of CASES) {
      it(`${c.id} ${c.knownGap ? '[known gap] ' : ''}${c.category}: ${c.what} → ${c.expect.outcome}`, async () => {
        const world = worldOf(c);
        const ctx = contexts.get(c.id) as CaseContext;
        verdicts.set(c.id, 'failed');
        expect(sendErrors.get(c.id), 'sending the case threw').toBeUndefined();
        if (c.knownGap === undefined) {
          await checkExpectation(c, ctx, 15_000);
        } else {
          const failure = await checkExpectation(c, ctx, 3_000).then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(failure, `known gap "${c.knownGap}" no longer shows: the expectation holds, remove the mark`).toBeDefined();
          await c.fact?.(ctx);
        }
        expect(await world.snapshot(), 'the victim tenant is as it was').toEqual(baselines.get(c.world));
        verdicts.set(c.id, c.knownGap ? 'gap' : 'held');
      }, 30_000);
    }
  });

  it('no operator writes any object, or asks Vault, in a loop once the cases have settled', async () => {
    const from = new Map([...worlds].map(([name, world]) => [name, { kube: world.requests.all().length, vault: world.vault.requests.all().length }]));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busy: string[] = [];
    for (const [name, world] of worlds) {
      const mark = from.get(name) ?? { kube: 0, vault: 0 };
      const writes = new Map<string, number>();
      for (const r of world.requests.all().slice(mark.kube)) {
        if (['get', 'list', 'watch', 'discovery'].includes(r.verb) || r.userAgent.startsWith('tenant/')) continue;
        const key = `${name} ${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.namespace ?? ''}/${r.name ?? ''}`;
        writes.set(key, (writes.get(key) ?? 0) + 1);
      }
      const asks = new Map<string, number>();
      for (const r of world.vault.requests.all().slice(mark.vault))
        asks.set(`${name} vault ${r.method} ${r.path}`, (asks.get(`${name} vault ${r.method} ${r.path}`) ?? 0) + 1);
      busy.push(...[...writes, ...asks].filter(([, n]) => n > 3).map(([key, n]) => `${key} ×${n}`));
    }
    expect(busy, 'written or asked more than 3 times in one quiet second').toEqual([]);
  });
});

describe('cleanup', () => {
  describe('deleting what each case made leaves nothing of it, and nothing of the victim’s goes', { concurrent: true }, () => {
    beforeAll(async () => {
      phase('outcomes');
      await Promise.all(CASES.map((c) => deleteMade(contexts.get(c.id)?.tenant as Tenant)));
      const squats = CASES.flatMap((c) => (c.namespacesMade?.(contexts.get(c.id) as CaseContext) ?? []).map((name) => ({ world: worldOf(c), name })));
      await Promise.all(squats.map(({ world, name }) => world.admin.resource(NamespaceResource).delete(name)));
    });

    for (const c of CASES) {
      it(`${c.id}: nothing left of ${c.what}${c.cleanupGap ? ' [known gap]' : ''}`, async () => {
        const world = worldOf(c);
        const tenant = contexts.get(c.id)?.tenant as Tenant;
        const keep = tenant.namespace === FIXTURE.namespace ? [FIXTURE.cluster] : [];
        const bait = baits.get(c.id) ?? new Map<string, string>();
        cleanups.set(c.id, 'failed');
        if (c.cleanupGap === undefined) {
          expect(await leftovers(world, tenant, bait, keep)).toEqual([]);
        } else {
          expect(await leftovers(world, tenant, bait, keep, 3_000), `cleanup gap "${c.cleanupGap}" no longer shows: remove the mark`).not.toEqual([]);
          await dropFinalizers(world.admin, tenant);
        }
        expect(await world.snapshot(), 'the victim tenant is as it was').toEqual(baselines.get(c.world));
        cleanups.set(c.id, 'held');
      }, 30_000);
    }
  });
});

describe('at the end', () => {
  beforeAll(() => phase('cleanup'));

  for (const name of ['kvm', 'aws'] as const) {
    it(`${name}: the victim is as it was, and no write reached its namespaces or Vault mount during the whole run`, async () => {
      const world = worlds.get(name) as HostileWorld;
      expect(world, `the ${name} world`).toBeDefined();
      expect(await world.snapshot()).toEqual(baselines.get(name));
      const id = clusterId(VICTIM);
      const mark = marks.get(name) ?? { kube: 0, vault: 0 };
      const writes = world.requests
        .all()
        .slice(mark.kube)
        .filter(
          (r) =>
            !['get', 'list', 'watch', 'discovery'].includes(r.verb) &&
            (r.namespace === VICTIM.namespace || r.namespace === id || (r.resource === 'namespaces' && r.name === id)),
        );
      expect(writes.map((r) => `${r.verb} ${r.resource} ${r.namespace}/${r.name} by ${r.userAgent}`)).toEqual([]);
      const vaultWrites = world.vault.requests
        .all()
        .slice(mark.vault)
        .filter((r) => r.path.startsWith(`pki-${id}/`) && !['GET', 'LIST'].includes(r.method.toUpperCase()));
      expect(vaultWrites.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    });
  }

  it('kvm: the fixture tenant’s own CA kept its mount and roles through the cases against it', async () => {
    const world = worlds.get('kvm') as HostileWorld;
    const mount = `pki-${clusterId({ namespace: FIXTURE.namespace, name: FIXTURE.cluster })}`;
    expect((await vaultMounts(world.vault))[`${mount}/`]).toMatch(
      new RegExp(`^kubeception.io/CertificateAuthority ${FIXTURE.namespace}/${FIXTURE.cluster} uid=`),
    );
    expect(world.vault.state.roles(mount).sort()).toEqual(['admin', 'worker']);
  });
});
