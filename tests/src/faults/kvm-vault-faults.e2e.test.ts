/**
 * Fault lane: the PKI controllers of a KVM world while Vault answers 500 or 503 to everything,
 * answers slowly, or is sealed, for a window from the Cluster's creation. Their requests to Vault
 * stay capped; while sealed, the CertificateAuthority says so in its Ready condition; once the
 * fault is lifted the Cluster converges with nothing made twice.
 */
import { CertificateAuthorityResource, getCondition } from '@kubeception/sdk';
import type { StartedFakeVault } from '@kubeception/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { kvmClusterInput, startKvmWorld, type KvmWorld } from '../kvm/kvm-world.js';
import { CALL_RATE_CAP, fakeCounts, runFaultCase } from './fault-window.js';
import { expectKvmConverged } from './kvm-convergence.js';

let world: KvmWorld;
beforeEach(async () => (world = await startKvmWorld({ nodes: 2 })));
afterEach(() => world.stop());

/** The reason of the Ready condition of the Cluster `default/name`'s CertificateAuthority. */
async function authorityReason(name: string): Promise<string | undefined> {
  const list = await world.kube.resource(CertificateAuthorityResource).list({ namespace: 'default', labelSelector: `kubeception.io/cluster=${name}` });
  return list.match(
    (l) => getCondition(l.items[0]?.status?.conditions, 'Ready')?.reason,
    () => undefined,
  );
}

/** Vault's added latency, in milliseconds. */
const LATENCY_MS = 300;
/**
 * Slow answers are no failures, and nothing retries them: the cap is the most the certificate
 * controller's 16 workers can make waiting `LATENCY_MS` for each call.
 */
const LATENCY_RATE_CAP = Math.round((16 * 60_000) / LATENCY_MS);

it.each([
  { fault: '500', name: 'erring', cap: CALL_RATE_CAP, inject: (v: StartedFakeVault) => void v.faults.fail({ status: 500, times: Infinity }) },
  { fault: '503', name: 'unavailable', cap: CALL_RATE_CAP, inject: (v: StartedFakeVault) => void v.faults.fail({ status: 503, times: Infinity }) },
  { fault: `latency ${LATENCY_MS} ms`, name: 'slow', cap: LATENCY_RATE_CAP, inject: (v: StartedFakeVault) => void v.faults.latency({ ms: LATENCY_MS }) },
])(
  'Vault $fault during create → Ready',
  async ({ fault, name, cap, inject }) => {
    const vault = world.vault;
    (await world.clusters().create(kvmClusterInput(name)))._unsafeUnwrap();
    await runFaultCase({
      lane: 'kvm-vault',
      fault,
      cap,
      inject: () => inject(vault),
      ...fakeCounts(vault, {}),
      converged: () => expectKvmConverged(world, name),
    });
  },
  90_000,
);

it('Vault sealed during create → Ready: the authority says it is sealed, and recovers after unseal', async () => {
  const vault = world.vault;
  (await world.clusters().create(kvmClusterInput('sealed')))._unsafeUnwrap();
  await runFaultCase({
    lane: 'kvm-vault',
    fault: 'sealed',
    cap: CALL_RATE_CAP,
    inject: () => vault.faults.seal(),
    ...fakeCounts(vault, {}),
    lift: () => vault.faults.unseal(),
    meanwhile: () => expect.poll(() => authorityReason('sealed'), { timeout: 2_500, interval: 50 }).toMatch(/Sealed/),
    converged: () => expectKvmConverged(world, 'sealed'),
  });
}, 90_000);
