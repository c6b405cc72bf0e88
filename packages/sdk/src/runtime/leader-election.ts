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
  const leases = kube.resource(LeaseResource);
  const identity = options.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`;
  const leaseDurationMs = options.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
  const retryPeriodMs = options.retryPeriodMs ?? 2_000;
  const where = { namespace: options.namespace };
  let observed: { record: string; at: number } | undefined;

  const specAt = (now: Date, previous: NonNullable<Lease['spec']> = {}, sameHolder = false) => ({
    ...previous,
    holderIdentity: identity,
    leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
    renewTime: microTime(now),
    ...(sameHolder ? {} : { acquireTime: microTime(now), leaseTransitions: (previous.leaseTransitions ?? -1) + 1 }),
  });

  /** Takes or renews the lease; resolves whether this candidate holds it now. */
  const tryAcquireOrRenew = (): Promise<boolean> => {
    const now = new Date();
    const create = () =>
      leases.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: options.name, namespace: options.namespace }, spec: specAt(now) });
    return leases
      .get(options.name, where)
      .match(
        (lease) => {
          const spec = lease.spec ?? {};
          const record = JSON.stringify(spec);
          if (observed?.record !== record) observed = { record, at: now.getTime() };
          const holder = spec.holderIdentity ?? '';
          const expired = holder === '' || observed.at + (spec.leaseDurationSeconds ?? 0) * 1000 < now.getTime();
          if (holder !== identity && !expired) return Promise.resolve(false);
          return leases.replace({ ...lease, spec: specAt(now, spec, holder === identity) } as Lease).match(
            (updated) => ((observed = { record: JSON.stringify(updated.spec), at: now.getTime() }), true),
            () => false,
          );
        },
        (error) => (error.kind === 'NotFound' ? create().match(() => true, () => false) : Promise.resolve(false)),
      )
      .then((held) => held); // flattens the nested promise of the match handlers
  };

  /** Gives the lease up (holder "", 1 s duration) if this candidate holds it. */
  const release = (): Promise<void> =>
    leases.get(options.name, where).match(
      async (lease) => {
        if (lease.spec?.holderIdentity !== identity) return;
        const now = microTime();
        await leases.replace({ ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } } as Lease).match(
          () => undefined,
          () => undefined, // the lease then simply expires
        );
      },
      () => undefined,
    ).then(() => undefined);

  const jitter = () => retryPeriodMs * (1 + Math.random() * 0.2);
  while (!signal.aborted) {
    if (!(await tryAcquireOrRenew())) {
      await sleep(jitter(), signal).catch(() => {});
      continue;
    }
    const leader = new AbortController();
    setMaxListeners(0, leader.signal); // shared by every controller's workers
    options.onChange?.(true);
    const work = lead(leader.signal).catch(() => {});
    let lastRenew = Date.now();
    while (!signal.aborted) {
      await sleep(retryPeriodMs, signal).catch(() => {});
      if (signal.aborted) break;
      if (await tryAcquireOrRenew()) lastRenew = Date.now();
      else if (Date.now() - lastRenew > renewDeadlineMs) break;
    }
    leader.abort();
    options.onChange?.(false);
    await work;
    if (signal.aborted && options.releaseOnCancel !== false) await release();
  }
}
