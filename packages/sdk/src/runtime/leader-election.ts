/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go does it: a candidate
 * takes the lease when it is free or expired, the leader renews it every retry period, and
 * gives up leadership when it could not renew for the renew deadline. Expiry is judged by
 * when *this* process last saw the lease change, so clocks need not agree. On shutdown the
 * leader releases the lease so a successor takes over at once.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { KubeClient } from '../kube/client.js';
import type { ResourceClient } from '../kube/resource-client.js';
import type { KubeObject } from '../resource.js';
import { LeaseResource, type Lease } from '../kube/builtins.js';
import { sleep } from '../internal/backoff.js';

/** Options of {@link runLeaderElection}. */
export interface LeaderElectionOptions {
  /** Lease name. */
  readonly name: string;
  /** Namespace of the Lease. */
  readonly namespace: string;
  /** @default `${hostname}_${random}` */
  readonly identity?: string;
  /** @default 15_000 */
  readonly leaseDurationMs?: number;
  /** @default 10_000 */
  readonly renewDeadlineMs?: number;
  /** @default 2_000 */
  readonly retryPeriodMs?: number;
  /** Give the lease up when the election stops, so a successor need not wait for expiry. @default true */
  readonly releaseOnCancel?: boolean;
  /** Told when leadership starts or stops. */
  readonly onChange?: (leading: boolean) => void;
}

/** `metav1.MicroTime`: RFC 3339 with microseconds. */
export function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Campaigns for the lease until `signal` aborts. While leading, `lead(leaderSignal)` runs;
 * `leaderSignal` aborts the moment leadership is lost or the election stops.
 */
export async function runLeaderElection(
  kube: KubeClient,
  options: LeaderElectionOptions,
  signal: AbortSignal,
  lead: (leaderSignal: AbortSignal) => Promise<void>,
): Promise<void> {
  const candidate: Candidate = {
    leases: kube.resource(LeaseResource),
    options,
    identity: options.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`,
    leaseDurationMs: options.leaseDurationMs ?? 15_000,
    renewDeadlineMs: options.renewDeadlineMs ?? 10_000,
    retryPeriodMs: options.retryPeriodMs ?? 2_000,
    observed: undefined,
  };
  const jitter = () => candidate.retryPeriodMs * (1 + Math.random() * 0.2);
  while (!signal.aborted) {
    if (!(await tryAcquireOrRenew(candidate))) {
      await sleep(jitter(), signal).catch(() => {});
      continue;
    }
    await leadWhileHeld(candidate, signal, lead);
  }
}

/** One candidate of an election. */
interface Candidate {
  readonly leases: ResourceClient<Lease & KubeObject>;
  readonly options: LeaderElectionOptions;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** The lease's spec as last seen, and when this process saw it change (its own clock). */
  observed: { record: string; at: number } | undefined;
}

/**
 * Runs `lead` and renews the lease every retry period, until the election stops or the lease
 * could not be renewed for the renew deadline; then stops `lead` and waits for it, and releases
 * the lease if the election stopped.
 */
async function leadWhileHeld(candidate: Candidate, signal: AbortSignal, lead: (leaderSignal: AbortSignal) => Promise<void>): Promise<void> {
  const { options } = candidate;
  const leader = new AbortController();
  setMaxListeners(0, leader.signal); // shared by every controller's workers
  options.onChange?.(true);
  const work = lead(leader.signal).catch(() => {});
  let lastRenew = Date.now();
  while (!signal.aborted) {
    await sleep(candidate.retryPeriodMs, signal).catch(() => {});
    if (signal.aborted) break;
    if (await tryAcquireOrRenew(candidate)) lastRenew = Date.now();
    else if (Date.now() - lastRenew > candidate.renewDeadlineMs) break;
  }
  leader.abort();
  options.onChange?.(false);
  await work;
  if (signal.aborted && options.releaseOnCancel !== false) await release(candidate);
}

/** Takes or renews the lease; resolves whether this candidate holds it now. */
function tryAcquireOrRenew(candidate: Candidate): Promise<boolean> {
  const { leases, options } = candidate;
  const now = new Date();
  const create = () =>
    leases.create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: options.name, namespace: options.namespace },
      spec: specAt(candidate, now),
    });
  return leases
    .get(options.name, { namespace: options.namespace })
    .match(
      (lease) => takeOrRenew(candidate, lease, now),
      (error) =>
        error.kind === 'NotFound'
          ? create().match(
              () => true,
              () => false,
            )
          : Promise.resolve(false),
    )
    .then((held) => held); // flattens the nested promise of the match handlers
}

/** Replaces `lease` with this candidate as holder when it holds it already or the lease expired. */
function takeOrRenew(candidate: Candidate, lease: Lease, now: Date): Promise<boolean> {
  const spec = lease.spec ?? {};
  const record = JSON.stringify(spec);
  if (candidate.observed?.record !== record) candidate.observed = { record, at: now.getTime() };
  const holder = spec.holderIdentity ?? '';
  const expired = holder === '' || candidate.observed.at + (spec.leaseDurationSeconds ?? 0) * 1000 < now.getTime();
  if (holder !== candidate.identity && !expired) return Promise.resolve(false);
  return candidate.leases.replace({ ...lease, spec: specAt(candidate, now, spec, holder === candidate.identity) } as Lease).match(
    (updated) => ((candidate.observed = { record: JSON.stringify(updated.spec), at: now.getTime() }), true),
    () => false,
  );
}

/** The lease spec with this candidate as holder at `now`; a new holder is a transition. */
function specAt(candidate: Candidate, now: Date, previous: NonNullable<Lease['spec']> = {}, sameHolder = false) {
  return {
    ...previous,
    holderIdentity: candidate.identity,
    leaseDurationSeconds: Math.ceil(candidate.leaseDurationMs / 1000),
    renewTime: microTime(now),
    ...(sameHolder ? {} : { acquireTime: microTime(now), leaseTransitions: (previous.leaseTransitions ?? -1) + 1 }),
  };
}

/** Gives the lease up (holder "", 1 s duration) if this candidate holds it. */
function release({ leases, options, identity }: Candidate): Promise<void> {
  return leases
    .get(options.name, { namespace: options.namespace })
    .match(
      async (lease) => {
        if (lease.spec?.holderIdentity !== identity) return;
        const now = microTime();
        await leases
          .replace({ ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } } as Lease)
          .match(
            () => undefined,
            () => undefined, // the lease then simply expires
          );
      },
      () => undefined,
    )
    .then(() => undefined);
}
