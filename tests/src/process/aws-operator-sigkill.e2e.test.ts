/**
 * The aws-operator as a process of its own against `kubeception-fakes` (another process), with
 * the cert-operator beside it as on a cluster (the aws-operator's Deployment runs no PKI
 * controllers: the cert-operator's issues each Cluster's CA and certificates).
 *
 * - SIGKILL at random moments (seeded: `KUBECEPTION_SEED` replays a run) while Clusters are
 *   created, scaled and deleted; each kill is followed by a restart. Leader election is off for
 *   these runs: a killed leader keeps its Lease for its 15 s duration, and twenty waits for it
 *   would be the whole test; a restart with leader election is the second test's start. Then, from
 *   outside (the API server, the EC2 API, Vault): every Cluster Ready with exactly the resources
 *   its plan names, and after deletion nothing left.
 * - With its Deployment's args and plain env (the ports moved to loopback ones): JSON log lines at
 *   info on stderr, and on `/metrics` (what the metrics Service points at) every family a
 *   controller-runtime user expects.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { createKubeClient, NamespaceResource, type KubeClient } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSamples, sumOf, type Sample } from '../runtime/metric-samples.js';
import { awaitConvergence, convergenceProblems, type Outside } from './aws-convergence.js';
import { describeAction, drawWorkload, runAction } from './aws-workload.js';
import { deploymentContainer } from './deployment-container.js';
import { fakesVaultMounts, startFakesProcess, type FakesProcess } from './fakes-process.js';
import { operatorProcess, type OperatorProcess } from './operator-process.js';
import { killEveryGroup } from './process-group.js';
import { seededRandom, testSeed } from './seeded-random.js';
import { runSigkillScenario } from './sigkill-scenario.js';

const KILLS = 20;
const NAMESPACE = 'default';
const SCRAPED = 'scraped';
const random = seededRandom(testSeed());

let fakes: FakesProcess;
let certOperator: OperatorProcess;
let kube: KubeClient;
let ec2: EC2Client;
let outside: Outside;

beforeAll(async () => {
  console.log(`seed ${random.seed} (KUBECEPTION_SEED=${random.seed} replays this run)`);
  fakes = await startFakesProcess({ args: ['--nodes', '1', '--no-vms'] }); // AWS Clusters need no VM host
  certOperator = await operatorProcess({ operator: 'cert-operator', fakes, args: ['--leader-elect=false'] });
  await certOperator.start({ timeoutMs: 60_000 });
  const env = fakes.environment;
  kube = createKubeClient({ kubeConfig: fakes.kubeConfig, qps: 0 });
  ec2 = new EC2Client({
    region: 'eu-west-1', // the sample's
    endpoint: fakes.ready.ec2,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
  });
  outside = { kube, ec2, vaultMounts: fakesVaultMounts(fakes) };
}, 120_000);

afterAll(async () => {
  ec2?.destroy();
  await killEveryGroup();
  await fakes?.stop();
});

describe('the aws-operator as a process of its own against kubeception-fakes', () => {
  it(`converges after ${KILLS} SIGKILLs at random moments while Clusters are created, scaled and deleted`, async () => {
    const workload = drawWorkload(random, 'killed');
    const aws = await operatorProcess({ operator: 'aws-operator', fakes, args: ['--leader-elect=false'] });
    await aws.start({ timeoutMs: 60_000 });
    const end = await runSigkillScenario({
      operator: aws,
      random,
      kills: KILLS,
      workload,
      run: (action) => runAction(kube, action),
      describe: describeAction,
      remove: (cluster) => runAction(kube, { kind: 'delete', cluster }),
      problems: (expected) => convergenceProblems(outside, { namespace: NAMESPACE, ...expected }),
      check: (problems) => expect(problems).toEqual([]),
      timeoutMs: 120_000,
    });
    expect(end).toMatchObject({ unexpectedExits: [], notJson: [], code: 0 }); // JSON lines only, from every run
    expect(certOperator.unexpectedExits()).toEqual([]);
  }, 420_000);

  it("with its Deployment's args: logs JSON at info, and /metrics shows every controller-runtime family", async () => {
    const container = deploymentContainer('aws-operator');
    const aws = await operatorProcess({ operator: 'aws-operator', fakes, args: container.args, env: container.env });
    await aws.start({ timeoutMs: 60_000 });
    (await kube.resource(NamespaceResource).create({ metadata: { name: SCRAPED } }))._unsafeUnwrap(); // apart from the first test's Clusters
    await runAction(kube, { kind: 'create', cluster: 'scraped' }, SCRAPED);
    expect(await awaitConvergence(outside, { namespace: SCRAPED, alive: ['scraped'], gone: [] }, 60_000)).toEqual([]);
    const samples = parseSamples(await aws.scrape());
    const host = new URL(fakes.ready.kube).host;
    const counted = failing(samples, COUNTED, host, (sum) => (sum ?? 0) > 0);
    const present = failing(samples, PRESENT, host, (sum) => sum !== undefined);
    expect({ counted, present }).toEqual({ counted: [], present: [] });
    expect(sumOf(samples, 'controller_runtime_reconcile_total', { controller: 'aws-operator', result: 'success' })).toBeGreaterThan(0);
    expect(sumOf(samples, 'rest_client_requests_total', { code: '200', method: 'GET', host })).toBeGreaterThan(0);
    expect(sumOf(samples, 'leader_election_master_status', { name: 'aws-operator' })).toBe(1);
    await runAction(kube, { kind: 'delete', cluster: 'scraped' }, SCRAPED);
    expect(await awaitConvergence(outside, { namespace: SCRAPED, alive: [], gone: ['scraped'] }, 60_000)).toEqual([]);
    expect((await aws.stop()).code).toBe(0);
    const lines = aws.logs();
    expect(lines.filter((line) => line.json === undefined)).toEqual([]);
    const json = lines.map((line) => line.json);
    expect(json.filter((line) => typeof line?.level !== 'number' || line.level < 30)).toEqual([]); // info and above
    expect(json).toEqual(expect.arrayContaining(INFO_LINES.map((line) => expect.objectContaining({ level: 30, ...line }))));
    expect(aws.unexpectedExits()).toEqual([]);
  }, 180_000);
});

/** What a family is read with: the controller's series, its queue's, the requests to the host, or the process's (no label). */
type LabelSet = 'controller' | 'queue' | 'host' | 'process';

/**
 * Families with a sample above 0 once the operator has made a Cluster Ready: its reconciles and
 * queue, client-go's REST client families of its requests to the host, the process and the
 * Node.js runtime.
 */
const COUNTED: Readonly<Record<LabelSet, readonly string[]>> = {
  controller: ['controller_runtime_reconcile_total', 'controller_runtime_reconcile_time_seconds_count', 'controller_runtime_max_concurrent_reconciles'],
  queue: ['workqueue_adds_total', 'workqueue_queue_duration_seconds_count', 'workqueue_work_duration_seconds_count'],
  host: [
    'rest_client_requests_total',
    'rest_client_request_duration_seconds_count',
    'rest_client_request_size_bytes_count',
    'rest_client_response_size_bytes_count',
  ],
  process: [
    ...['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_virtual_memory_bytes', 'process_heap_bytes'],
    ...['process_open_fds', 'process_max_fds', 'process_start_time_seconds', 'nodejs_version_info', 'nodejs_active_handles_total'],
    ...['nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes'],
  ],
};

/** Families with a series for the controller or the process, where 0 is an answer (nothing failed, nothing in flight). */
const PRESENT: Readonly<Record<LabelSet, readonly string[]>> = {
  controller: [
    ...['controller_runtime_reconcile_errors_total', 'controller_runtime_terminal_reconcile_errors_total'],
    ...['controller_runtime_reconcile_panics_total', 'controller_runtime_active_workers'],
  ],
  queue: ['workqueue_depth', 'workqueue_retries_total', 'workqueue_unfinished_work_seconds', 'workqueue_longest_running_processor_seconds'],
  host: [],
  process: ['nodejs_eventloop_lag_seconds', 'nodejs_gc_duration_seconds_count'],
};

/** The families of `table` whose sum (with their label set's labels) fails `ok`. */
function failing(
  samples: readonly Sample[],
  table: Readonly<Record<LabelSet, readonly string[]>>,
  host: string,
  ok: (sum: number | undefined) => boolean,
): string[] {
  const labels: Readonly<Record<LabelSet, Readonly<Record<string, string>>>> = {
    controller: { controller: 'aws-operator' },
    queue: { name: 'aws-operator', controller: 'aws-operator' },
    host: { host },
    process: {},
  };
  return (Object.keys(table) as LabelSet[]).flatMap((set) => table[set].filter((name) => !ok(sumOf(samples, name, labels[set]))));
}

/** What the operator says at info from its start to its stop (SIGTERM), as controller-runtime's manager does. */
const INFO_LINES = [
  { msg: 'serving metrics and probes' },
  { msg: 'attempting to acquire leader lease', lease: 'kubeception/aws-operator' },
  { msg: 'acquired leader lease', lease: 'kubeception/aws-operator' },
  { msg: 'starting workers', controller: 'aws-operator' },
  { msg: 'stopped leading', lease: 'kubeception/aws-operator' },
  { msg: 'stopped' },
];
