/**
 * `runQuickstart`: the world, the sample Cluster(s), a listr2 task list that follows each
 * Cluster to Ready, the summary, and (without `once`) the wait for Ctrl-C or deletions.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ClusterResource, type ClusterInput } from '@kubeception/sdk';
import { CustomResourceDefinitionResource } from '@kubeception/sdk/kube';
import { Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';
import { pino, type Logger } from 'pino';
import type { QuickstartOptions } from './options.js';
import { pendingReason, readSnapshot, type Snapshot, type Step } from './progress.js';
import { PROVIDERS } from './providers.js';
import { expectedNodes, sampleClusters } from './sample.js';
import { watchDeletions } from './deletions.js';
import { defaultKubeconfigPath } from './repo-root.js';
import { summaryLines } from './summary.js';
import { QUICKSTART_NAMESPACE, type World } from './world.js';

/** Where the output goes and how the run ends; everything has a default for the CLI. */
export interface QuickstartIo {
  /** Task list and summary. @default process.stdout */
  readonly output?: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** The host kubeconfig. @default `.kubeception/kubeconfig` under the repository root */
  readonly kubeconfigPath?: string;
  /** How the path is shown in the kubectl hint. @default kubeconfigPath */
  readonly kubeconfigShownAs?: string;
  /** Ends a run without `once` (the CLI aborts it on SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
  /** Operator logs. @default pino at debug on stderr with `verbose`, silent otherwise */
  readonly logger?: Logger;
  /** How often progress is polled. @default 100 */
  readonly pollMs?: number;
  /** Start the fake Vault sealed: the Cluster cannot become Ready (for tests). @default false */
  readonly vaultSealed?: boolean;
}

interface Followed {
  readonly input: ClusterInput;
  readonly name: string;
  createdAt: number;
  readyInMs?: number;
}

interface Context {
  world?: World;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs the quick start; resolves to the exit code (0 Ready, 1 not Ready in time or failed). */
export async function runQuickstart(options: QuickstartOptions, io: QuickstartIo = {}): Promise<number> {
  const output = io.output ?? process.stdout;
  const write = (line: string) => void output.write(`${line}\n`);
  const logger = io.logger ?? pino({ level: options.verbose ? 'debug' : 'silent' }, process.stderr);
  const pollMs = io.pollMs ?? 100;
  const started = Date.now();
  const deadline = started + options.timeoutSeconds * 1000;
  const namespace = QUICKSTART_NAMESPACE;
  const provider = PROVIDERS[options.provider];
  const steps = provider.steps;
  const followed: Followed[] = sampleClusters({ file: provider.sample, count: options.clusters, workers: options.workers }).map((input) => ({ input, name: input.metadata?.name ?? '', createdAt: 0 }));
  const nodes = Math.max(...followed.map((c) => expectedNodes(c.input)));
  const ctx: Context = {};
  let last: Snapshot | undefined;

  const waitFor = async (world: World, cluster: Followed, step: Step, setTitle: (t: string) => void) => {
    for (;;) {
      const snapshot = (last = await readSnapshot(world, cluster.name, namespace));
      const { done, detail } = step.check(snapshot, expectedNodes(cluster.input));
      // concurrent clusters interleave in the line-per-event renderer: say whose step it is
      const whose = followed.length > 1 ? `${cluster.name}: ` : '';
      setTitle(`${whose}${step.title}${detail ? `: ${detail}` : ''} (${seconds(Date.now() - cluster.createdAt)})`);
      if (done) {
        if (step === steps[steps.length - 1]) cluster.readyInMs = Date.now() - cluster.createdAt;
        return;
      }
      if (Date.now() > deadline) throw new Error(`cluster ${cluster.name} not Ready within ${options.timeoutSeconds} s: ${pendingReason(snapshot.cluster)}`);
      await sleep(pollMs);
    }
  };

  const clusterTasks = (world: World): ListrTask<Context>[] =>
    followed.map((cluster) => ({
      title: `cluster ${namespace}/${cluster.name}`,
      task: (_, task) =>
        task.newListr(
          steps.map((step) => ({ title: followed.length > 1 ? `${cluster.name}: ${step.title}` : step.title, task: (_c, t) => waitFor(world, cluster, step, (title) => (t.title = title)) })),
          { concurrent: false },
        ),
    }));

  const renderer = output.isTTY && !process.env.CI ? 'default' : 'simple';
  const processOutput = new ProcessOutput(output as NodeJS.WriteStream, output as NodeJS.WriteStream);
  const list = new Listr<Context, 'default' | 'simple', 'simple'>(
    [
      {
        title: options.provider === 'kvm' ? 'start the simulated host, fake Vault, VM simulator and operators' : 'start the fake API server, fake EC2, fake Vault and operators',
        task: async (c, task) => {
          c.world = await provider.start({ nodes, logger, vaultSealed: io.vaultSealed ?? false }, followed.map((f) => f.input));
          task.title = `${c.world.description} (${seconds(Date.now() - started)})`;
        },
      },
      {
        title: 'CRDs installed',
        task: async (c, task) => {
          const crds = await c.world!.kube.resource(CustomResourceDefinitionResource).list().match((l) => l.items, (e) => { throw new Error(`could not list CRDs: ${e.message}`); });
          const ours = crds.map((crd) => crd.metadata.name).filter((n) => n.endsWith('.kubeception.io')).sort();
          task.title = `CRDs installed: ${ours.join(', ')}`;
        },
      },
      {
        title: `create ${followed.map((c) => c.name).join(', ')} from examples/samples/valid/${provider.sample}`,
        task: async (c) => {
          for (const cluster of followed) {
            cluster.createdAt = Date.now();
            await c.world!.kube.resource(ClusterResource).create(cluster.input).match((x) => x, (e) => { throw new Error(`could not create Cluster ${cluster.name}: ${e.message}`); });
          }
        },
      },
      { title: 'follow the clusters', task: (c, task) => task.newListr(clusterTasks(c.world!), { concurrent: true, exitOnError: true }) },
    ],
    {
      renderer,
      fallbackRenderer: 'simple',
      rendererOptions: { logger: new ListrLogger({ processOutput }) },
      fallbackRendererOptions: { logger: new ListrLogger({ processOutput }) },
      registerSignalListeners: false,
      exitOnError: true,
    },
  );

  let code = 0;
  try {
    await list.run(ctx);
    const world = ctx.world!;
    for (const cluster of followed) {
      const snapshot = await readSnapshot(world, cluster.name, namespace);
      for (const line of summaryLines(snapshot, cluster.readyInMs ?? Date.now() - cluster.createdAt, provider.network(snapshot))) write(line);
    }
    const kubeconfig = writeKubeconfig(world, io);
    write(`host kubeconfig: ${kubeconfig}`);
    write(`  kubectl --kubeconfig ${kubeconfig} get ${provider.kubectlKinds} -A`);
    if (!options.once) {
      write('running; delete a Cluster with kubectl to see it cleaned up; Ctrl-C to stop');
      await watchDeletions(world, followed.map((c) => c.name), { namespace, signal: io.signal, report: write, cleanedUp: provider.cleanedUp });
    }
  } catch (error) {
    code = 1;
    write(`✖ ${(error as Error).message}`);
    if (last?.cluster) write(`  last seen: ${pendingReason(last.cluster)}`);
  } finally {
    await ctx.world?.stop();
  }
  return code;
}

function writeKubeconfig(world: World, io: QuickstartIo): string {
  const path = io.kubeconfigPath ?? defaultKubeconfigPath();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // it holds the API server's token: readable by its owner only, also when it existed before
  writeFileSync(path, world.kubeconfigYaml, { mode: 0o600 });
  chmodSync(path, 0o600);
  return io.kubeconfigShownAs ?? path;
}
