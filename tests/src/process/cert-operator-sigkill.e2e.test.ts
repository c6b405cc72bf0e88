/**
 * The cert-operator as a process of its own against `kubeception-fakes` (another process), killed
 * with SIGKILL at random moments (seeded: `KUBECEPTION_SEED` replays a run) while
 * CertificateAuthorities and Certificates are created, changed (dnsNames, ttl) and deleted; each
 * kill is followed by a restart. Leader election is off for these runs, as for the aws-operator's:
 * a killed leader keeps its Lease for its 15 s duration, and fifteen waits for it would be the whole
 * test. Then, from outside (the API server, Vault over HTTP with its root token): every
 * Certificate Ready with one Secret that is what its spec asks and chains to its CA, one Vault
 * mount per CA and none other, and after deletion nothing left.
 */
import { createKubeClient } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakesVaultMounts, startFakesProcess, type FakesProcess } from './fakes-process.js';
import { operatorProcess } from './operator-process.js';
import { pkiProblems, type PkiOutside } from './pki-convergence.js';
import { describePkiAction, drawPkiWorkload, runPkiAction } from './pki-workload.js';
import { killEveryGroup } from './process-group.js';
import { seededRandom, testSeed } from './seeded-random.js';
import { runSigkillScenario } from './sigkill-scenario.js';

const KILLS = 15;
const NAMESPACE = 'default';
const random = seededRandom(testSeed());

let fakes: FakesProcess;
let outside: PkiOutside;

beforeAll(async () => {
  console.log(`seed ${random.seed} (KUBECEPTION_SEED=${random.seed} replays this run)`);
  fakes = await startFakesProcess({ args: ['--nodes', '1', '--no-vms'] }); // certificates need no VM host
  outside = { kube: createKubeClient({ kubeConfig: fakes.kubeConfig, qps: 0 }), vaultMounts: fakesVaultMounts(fakes) };
}, 120_000);

afterAll(async () => {
  await killEveryGroup();
  await fakes?.stop();
});

describe('the cert-operator as a process of its own against kubeception-fakes', () => {
  it(`converges after ${KILLS} SIGKILLs at random moments while CAs and Certificates are created, changed and deleted`, async () => {
    const workload = drawPkiWorkload(random, 'ca');
    const operator = await operatorProcess({ operator: 'cert-operator', fakes, args: ['--leader-elect=false'] });
    await operator.start({ timeoutMs: 60_000 });
    const end = await runSigkillScenario({
      operator,
      random,
      kills: KILLS,
      workload,
      run: (action) => runPkiAction(outside.kube, action, NAMESPACE),
      describe: describePkiAction,
      remove: (ca) => runPkiAction(outside.kube, { kind: 'delete', ca }, NAMESPACE),
      problems: (expected) => pkiProblems(outside, NAMESPACE, expected),
      check: (problems) => expect(problems).toEqual([]),
      timeoutMs: 60_000,
    });
    expect(end).toMatchObject({ unexpectedExits: [], notJson: [], code: 0 }); // JSON lines only, from every run
  }, 300_000);
});
