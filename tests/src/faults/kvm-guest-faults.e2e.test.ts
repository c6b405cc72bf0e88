/**
 * Fault lane: the KVM Cluster controller while its guest's API server answers 500 or 503 to
 * everything, or answers nothing (requests held, as when its packets are dropped), for a window during create → Ready (from the moment the
 * guest's API server runs). The operator's requests to the guest stay capped, and once the fault
 * is lifted the Cluster converges with nothing made twice.
 */
import type { FakeKube } from '@kubeception/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { hostNamespace, kvmClusterInput, startKvmWorld, type KvmWorld } from '../kvm/kvm-world.js';
import { CALL_RATE_CAP, fakeCounts, runFaultCase } from './fault-window.js';
import { expectKvmConverged } from './kvm-convergence.js';

let world: KvmWorld;
beforeEach(async () => (world = await startKvmWorld({ nodes: 2 })));
afterEach(() => world.stop());

/** The User-Agent of the operator's guest clients (the driver's connector gives none of its own); the simulator's guest client is in-process and unlogged. */
const GUEST_CLIENT = 'kubeception-sdk';

/** The guest API server of the Cluster `default/name`, once it runs. */
async function guestOf(name: string): Promise<FakeKube> {
  await expect.poll(() => world.vms.guest(hostNamespace(name)), { timeout: 20_000, interval: 20 }).toBeDefined();
  return world.vms.guest(hostNamespace(name))!;
}

it.each([
  { fault: '500', name: 'erring', inject: (guest: FakeKube) => void guest.faults.fail({ status: 500, times: Infinity }), marked: true },
  { fault: '503', name: 'unavailable', inject: (guest: FakeKube) => void guest.faults.fail({ status: 503, times: Infinity }), marked: true },
  // a held request is not marked: every request that arrives meanwhile meets the fault
  { fault: 'no answer', name: 'silent', inject: (guest: FakeKube) => guest.faults.pause(), marked: false },
])(
  'guest API $fault during create → Ready',
  async ({ fault, name, inject, marked }) => {
    (await world.clusters().create(kvmClusterInput(name)))._unsafeUnwrap();
    const guest = await guestOf(name);
    await runFaultCase({
      lane: 'kvm-guest',
      fault,
      cap: CALL_RATE_CAP,
      inject: () => inject(guest),
      ...fakeCounts(guest, { userAgent: GUEST_CLIENT }, { marked }),
      converged: () => expectKvmConverged(world, name),
    });
  },
  90_000,
);
