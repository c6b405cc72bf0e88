/**
 * The quick start's listr2 task list: start the world, list the CRDs, create the Clusters, then
 * follow each Cluster through its provider's steps to Ready (the Clusters concurrently), each step
 * polling a snapshot until its check is done or the run's deadline has passed.
 */
import { ClusterResource, type ClusterInput } from '@kubeception/sdk';
import { CustomResourceDefinitionResource } from '@kubeception/sdk/kube';
import { Listr, ListrLogger, ProcessOutput, type ListrDefaultRenderer, type ListrSimpleRenderer, type ListrTask } from 'listr2';
import type { Logger } from 'pino';
import type { QuickstartOptions } from './options.js';
import { pendingReason, readSnapshot, type Snapshot, type Step } from './progress.js';
import type { Provider } from './providers.js';
import { expectedNodes } from './sample.js';
import type { World } from './world.js';

/** A Cluster the run follows to Ready. */
export interface Followed {
  readonly input: ClusterInput;
  readonly name: string;
  /** When it was created (ms since the epoch). */
  createdAt: number;
  /** How long it took to become Ready, once it is. */
  readyInMs?: number;
}

/** What the tasks hand on: the world, once started. */
export interface Context {
  world?: World;
}

/** One run of the quick start, as its tasks and its summary see it. */
export interface Run {
  readonly options: QuickstartOptions;
  /** Task list and summary. */
  readonly output: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Writes one line to `output`. */
  readonly write: (line: string) => void;
  /** Operator logs. */
  readonly logger: Logger;
  /** How often progress is polled. */
  readonly pollMs: number;
  /** When the run started, and by when every Cluster must be Ready (ms since the epoch). */
  readonly started: number;
  readonly deadline: number;
  /** Where the Clusters are created. */
  readonly namespace: string;
  readonly provider: Provider;
  readonly followed: readonly Followed[];
  /** Machines the largest Cluster needs. */
  readonly nodes: number;
  /** Start the fake Vault sealed. */
  readonly vaultSealed: boolean;
  /** The last snapshot read: what a failure reports as last seen. */
  last?: Snapshot;
}

/** A task of the top-level list (default renderer on a TTY, else simple). */
type TopTask = ListrTask<Context, ListrDefaultRenderer | ListrSimpleRenderer, ListrSimpleRenderer>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `1.2 s`. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The run's task list (line per event without a TTY, or on CI). */
export function taskList(run: Run): Listr<Context, 'default' | 'simple', 'simple'> {
  const processOutput = new ProcessOutput(run.output as NodeJS.WriteStream, run.output as NodeJS.WriteStream);
  const tasks: TopTask[] = [
    ...setupTasks(run),
    { title: 'follow the clusters', task: (c, task) => task.newListr(clusterTasks(run, c.world!), { concurrent: true, exitOnError: true }) },
  ];
  return new Listr<Context, 'default' | 'simple', 'simple'>(tasks, {
    renderer: run.output.isTTY && !process.env.CI ? 'default' : 'simple',
    fallbackRenderer: 'simple',
    rendererOptions: { logger: new ListrLogger({ processOutput }) },
    fallbackRendererOptions: { logger: new ListrLogger({ processOutput }) },
    registerSignalListeners: false,
    exitOnError: true,
  });
}

/** Start the world, list the CRDs installed, create the Clusters. */
function setupTasks(run: Run): TopTask[] {
  const { options, provider, followed } = run;
  return [
    {
      title:
        options.provider === 'kvm'
          ? 'start the simulated host, fake Vault, VM simulator and operators'
          : 'start the fake API server, fake EC2, fake Vault and operators',
      task: async (c, task) => {
        c.world = await provider.start(
          { nodes: run.nodes, logger: run.logger, vaultSealed: run.vaultSealed },
          followed.map((f) => f.input),
        );
        task.title = `${c.world.description} (${seconds(Date.now() - run.started)})`;
      },
    },
    {
      title: 'CRDs installed',
      task: async (c, task) => {
        const crds = await c
          .world!.kube.resource(CustomResourceDefinitionResource)
          .list()
          .match(
            (l) => l.items,
            (e) => {
              throw new Error(`could not list CRDs: ${e.message}`);
            },
          );
        const ours = crds
          .map((crd) => crd.metadata.name)
          .filter((n) => n.endsWith('.kubeception.io'))
          .sort();
        task.title = `CRDs installed: ${ours.join(', ')}`;
      },
    },
    {
      title: `create ${followed.map((c) => c.name).join(', ')} from examples/samples/valid/${provider.sample}`,
      task: async (c) => {
        for (const cluster of followed) {
          cluster.createdAt = Date.now();
          await c
            .world!.kube.resource(ClusterResource)
            .create(cluster.input)
            .match(
              (x) => x,
              (e) => {
                throw new Error(`could not create Cluster ${cluster.name}: ${e.message}`);
              },
            );
        }
      },
    },
  ];
}

/** Per Cluster, its provider's steps one after the other. */
function clusterTasks(run: Run, world: World): ListrTask<Context>[] {
  const { followed, provider } = run;
  return followed.map((cluster) => ({
    title: `cluster ${run.namespace}/${cluster.name}`,
    task: (_, task) =>
      task.newListr(
        provider.steps.map((step) => ({
          title: followed.length > 1 ? `${cluster.name}: ${step.title}` : step.title,
          task: (_c, t) => followStep(run, { world, cluster, step, setTitle: (title) => (t.title = title) }),
        })),
        { concurrent: false },
      ),
  }));
}

/** One step of one Cluster, and where its progress is shown. */
interface FollowedStep {
  readonly world: World;
  readonly cluster: Followed;
  readonly step: Step;
  readonly setTitle: (title: string) => void;
}

/** Polls the Cluster until the step is done (the last step: it is Ready); throws once the run's deadline has passed. */
async function followStep(run: Run, following: FollowedStep): Promise<void> {
  const { world, cluster, step, setTitle } = following;
  const steps = run.provider.steps;
  for (;;) {
    const snapshot = (run.last = await readSnapshot(world, cluster.name, run.namespace));
    const { done, detail } = step.check(snapshot, expectedNodes(cluster.input));
    // concurrent clusters interleave in the line-per-event renderer: say whose step it is
    const whose = run.followed.length > 1 ? `${cluster.name}: ` : '';
    setTitle(`${whose}${step.title}${detail ? `: ${detail}` : ''} (${seconds(Date.now() - cluster.createdAt)})`);
    if (done) {
      if (step === steps[steps.length - 1]) cluster.readyInMs = Date.now() - cluster.createdAt;
      return;
    }
    if (Date.now() > run.deadline)
      throw new Error(`cluster ${cluster.name} not Ready within ${run.options.timeoutSeconds} s: ${pendingReason(snapshot.cluster)}`);
    await sleep(run.pollMs);
  }
}
