/**
 * The host API server of an end-to-end suite: on the real server's lane (`e2e:kube-apiserver`, see
 * the root vitest.config.ts) a kube-apiserver of its own (the suite's operators watch every
 * namespace), else a fresh fake. Either way with the given CRDs installed.
 */
import { startEnvtest, startFakeKube, type FakeKube, type KubeServer } from '@kubeception/testing';
import { conformanceServer } from './server.js';

/** A started host: the server, and the fake when it is one (its request log, faults). */
export interface LaneHost {
  readonly server: Pick<KubeServer, 'kubeConfig' | 'stop'>;
  readonly fakeKube: FakeKube | undefined;
}

/** Starts the host of this project's lane with `crds`. */
export async function startLaneHost(crds: readonly object[]): Promise<LaneHost> {
  const lane = conformanceServer();
  if (lane.name === 'kube-apiserver') {
    if (lane.skip) throw new Error(`the real server's lane cannot run: ${lane.skip}`);
    return { server: await startEnvtest({ crds }), fakeKube: undefined };
  }
  const fakeKube = await startFakeKube({ crds });
  return { server: fakeKube, fakeKube };
}
