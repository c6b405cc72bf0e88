/** The faults of a fake host API server that the host lanes inject, and how they are counted (internal). */
import type { FakeKube } from '@kubeception/testing';
import { type FaultCase, fakeCounts } from './fault-window.js';

/** A fault of the host API. */
export interface HostFault {
  /** As printed (`503`, `watch drops`). */
  readonly fault: string;
  /** Injects it; returns how many watches it cut. */
  readonly inject: (kube: FakeKube) => number;
  /** Re-injects it this often while it persists. @default once */
  readonly repeatMs?: number;
}

/** Watches are cut every 2 s, as a flapping load balancer cuts them. */
const CUT_EVERY_MS = 2_000;

/** Every request fails with `status` until lifted. */
const failing = (status: number): HostFault => ({
  fault: String(status),
  inject: (kube) => {
    kube.faults.fail({ status, times: Infinity });
    return 0;
  },
});

/** The host faults: every request failing (429, 500, 503), watches cut, and watches cut after compaction (they resume into 410 Gone and relist). */
export const HOST_FAULTS = {
  throttled: failing(429),
  erring: failing(500),
  unavailable: failing(503),
  dropped: { fault: 'watch drops', inject: (kube) => kube.faults.dropWatches(), repeatMs: CUT_EVERY_MS },
  gone: {
    fault: '410 Gone',
    inject: (kube) => {
      kube.faults.compact();
      return kube.faults.dropWatches();
    },
    repeatMs: CUT_EVERY_MS,
  },
} as const satisfies Record<string, HostFault>;

/** A host fault as a fault case's injection and counts, for the operator whose requests carry `userAgent`. */
export function hostFaultCase(
  kube: FakeKube,
  fault: HostFault,
  userAgent: string,
): Pick<FaultCase, 'fault' | 'inject' | 'lift' | 'count' | 'met' | 'repeatMs'> {
  let cut = 0;
  const counts = fakeCounts(kube, { userAgent });
  return {
    ...counts,
    fault: fault.fault,
    inject: () => void (cut += fault.inject(kube)),
    met: () => counts.met() + cut,
    ...(fault.repeatMs === undefined ? {} : { repeatMs: fault.repeatMs }),
  };
}
