/**
 * Instance states over simulated time (internal): `pending` until `pendingMs` after launch, then
 * `running`; after TerminateInstances `shutting-down` for `shuttingDownMs`, then `terminated`, kept
 * visible for `terminatedRetentionMs` and then forgotten. Computed from the fake's clock on every
 * read, so a test moves time by moving its `now` — no timers.
 */
import type { Instance, RegionState } from './model.js';

/** Delays of the instance state machine, in ms of the fake's clock. */
export interface InstanceDelays {
  readonly pendingMs: number;
  readonly shuttingDownMs: number;
  readonly terminatedRetentionMs: number;
}

/** EC2 instance state names with their codes. */
export const STATE_CODES = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 } as const;
/**
 * An EC2 instance state name.
 * @useDeclaredType
 */
export type InstanceStateName = keyof typeof STATE_CODES;

/** The state of an instance at `now`. */
export function stateAt(instance: Instance, now: number, delays: InstanceDelays): InstanceStateName {
  if (instance.terminateRequestedAt !== undefined) return now >= instance.terminateRequestedAt + delays.shuttingDownMs ? 'terminated' : 'shutting-down';
  return now >= instance.createdAt + delays.pendingMs ? 'running' : 'pending';
}

/** Whether an instance still holds its subnet, security groups and addresses (not terminated). */
export function isLive(instance: Instance, now: number, delays: InstanceDelays): boolean {
  return stateAt(instance, now, delays) !== 'terminated';
}

/** Forgets instances terminated longer than the retention ago. */
export function sweepTerminated(region: RegionState, now: number, delays: InstanceDelays): void {
  for (const i of region.list('instance')) {
    if (i.terminateRequestedAt !== undefined && now >= i.terminateRequestedAt + delays.shuttingDownMs + delays.terminatedRetentionMs)
      region.resources.delete(i.id);
  }
}

/** `<instanceState>`: code and name. */
export function stateXml(name: InstanceStateName): { code: number; name: string } {
  return { code: STATE_CODES[name], name };
}
