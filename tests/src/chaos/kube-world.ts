/** A world of one fake API server and a client for the steps; operators as managers of controllers. */
import { CertificateAuthorityResource, CertificateResource, kubeceptionCrds, type KubeObject, type ResourceDescriptor } from '@kubeception/sdk';
import { createKubeClient, SecretResource, type KubeClient } from '@kubeception/sdk/kube';
import { createManager, type Controller } from '@kubeception/sdk/runtime';
import { pino } from 'pino';
import { formatCrashReport, startFakeKube, type CrashReport, type FakeKube, type OperatorFactory, type StartedFakeVault } from '@kubeception/testing';
import { expect } from 'vitest';

/** The fake API server and the steps' own client (its `User-Agent` is not an operator's: never gated). */
export interface KubeWorld {
  readonly fake: FakeKube;
  readonly kube: KubeClient;
}

/** Starts a fresh fake API server with Kubeception's CRDs. */
export async function startKubeWorld(): Promise<KubeWorld> {
  const fake = await startFakeKube({ crds: kubeceptionCrds() });
  return { fake, kube: createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 }) };
}

/**
 * An operator factory: a fresh manager of `controllers(world)` with a client of its own (the
 * instance's User-Agent, no retries: the restart is the retry) and a short shutdown.
 */
export function managerOf<W>(kubeConfig: (world: W) => FakeKube['kubeConfig'], controllers: (world: W) => readonly Controller[]): OperatorFactory<W> {
  return (world, { userAgent }) => {
    const kube = createKubeClient({ kubeConfig: kubeConfig(world), qps: 0, retry: { maxAttempts: 1 }, userAgent });
    const manager = createManager({ kube, controllers: controllers(world), shutdownTimeoutMs: 500, logger: pino({ level: 'silent' }) });
    void manager.start();
    return manager;
  };
}

/**
 * How many crash points a slow scenario explores: `KUBECEPTION_CRASH_POINTS` (`all`, or a number),
 * else `byDefault` (spread evenly over the recorded points: CI stays lean).
 */
export function crashPointLimit(byDefault: number): number | undefined {
  const wanted = process.env.KUBECEPTION_CRASH_POINTS;
  if (wanted === 'all') return undefined;
  return wanted === undefined || wanted === '' ? byDefault : Number(wanted);
}

/** Prints the report (CI's log shows points, failures and time) and checks the points were explored (`limit` of them) and converged. */
export function expectAllConverged(report: CrashReport, atLeast: number, limit?: number): void {
  console.log(formatCrashReport(report));
  expect(report.failures).toEqual([]);
  expect(report.unreached).toEqual([]);
  expect(report.points).toBeGreaterThanOrEqual(atLeast);
  expect(report.explored).toBe(Math.min(report.points, limit ?? report.points));
}

/** `Kind name` of each object of `resource` in `namespace` (none when the list fails): what a deletion left. */
export async function objectsLeft<T extends KubeObject, I extends KubeObject>(
  kube: KubeClient,
  resource: ResourceDescriptor<T, I>,
  namespace: string,
): Promise<string[]> {
  return (await kube.resource(resource).list({ namespace })).match(
    (list) => list.items.map((o) => `${resource.kind} ${o.metadata.name}`),
    () => [],
  );
}

/** What a cluster's PKI left in `default` and in Vault: CertificateAuthorities, Certificates, Secrets, mounts. */
export async function pkiLeft(world: { readonly kube: KubeClient; readonly vault: StartedFakeVault }): Promise<string[]> {
  return [
    ...(await objectsLeft(world.kube, CertificateAuthorityResource, 'default')),
    ...(await objectsLeft(world.kube, CertificateResource, 'default')),
    ...(await objectsLeft(world.kube, SecretResource, 'default')),
    ...world.vault.state.mounts().map((m) => `Vault mount ${m}`),
  ];
}
