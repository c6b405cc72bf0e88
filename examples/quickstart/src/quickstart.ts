/**
 * `runQuickstart`: the world, the sample Cluster(s), a listr2 task list that follows each
 * Cluster to Ready (see `tasks.ts`), the summary, and (without `once`) the wait for Ctrl-C or
 * deletions.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import type { QuickstartOptions } from './options.js';
import { pendingReason, readSnapshot } from './progress.js';
import { PROVIDERS } from './providers.js';
import { expectedNodes, sampleClusters } from './sample.js';
import { watchDeletions } from './deletions.js';
import { defaultKubeconfigPath } from './repo-root.js';
import { guestKubeconfigLines, summaryLines } from './summary.js';
import { taskList, type Context, type Followed, type Run } from './tasks.js';
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

/** Runs the quick start; resolves to the exit code (0 Ready, 1 not Ready in time or failed). */
export async function runQuickstart(options: QuickstartOptions, io: QuickstartIo = {}): Promise<number> {
  const run = startRun(options, io);
  const ctx: Context = {};
  let code = 0;
  try {
    await taskList(run).run(ctx);
    await finish(run, io, ctx.world!);
  } catch (error) {
    code = 1;
    run.write(`✖ ${(error as Error).message}`);
    if (run.last?.cluster) run.write(`  last seen: ${pendingReason(run.last.cluster)}`);
  } finally {
    await ctx.world?.stop();
  }
  return code;
}

/** A run of `options` with `io`'s defaults, starting now, following the sample Cluster(s). */
function startRun(options: QuickstartOptions, io: QuickstartIo): Run {
  const output = io.output ?? process.stdout;
  const logger = io.logger ?? pino({ level: options.verbose ? 'debug' : 'silent' }, process.stderr);
  const started = Date.now();
  const provider = PROVIDERS[options.provider];
  const followed: Followed[] = sampleClusters({ file: provider.sample, count: options.clusters, workers: options.workers }).map((input) => ({
    input,
    name: input.metadata?.name ?? '',
    createdAt: 0,
  }));
  return {
    options,
    output,
    write: (line) => void output.write(`${line}\n`),
    logger,
    pollMs: io.pollMs ?? 100,
    started,
    deadline: started + options.timeoutSeconds * 1000,
    namespace: QUICKSTART_NAMESPACE,
    provider,
    followed,
    nodes: Math.max(...followed.map((c) => expectedNodes(c.input))),
    vaultSealed: io.vaultSealed ?? false,
  };
}

/** Every Cluster Ready: the summary, the kubeconfig and, without `once`, the wait for deletions until the run is stopped. */
async function finish(run: Run, io: QuickstartIo, world: World): Promise<void> {
  const { write, provider } = run;
  const endpoints = new Map<string, string>();
  for (const cluster of run.followed) {
    const snapshot = await readSnapshot(world, cluster.name, run.namespace);
    for (const line of summaryLines(snapshot, cluster.readyInMs ?? Date.now() - cluster.createdAt, provider.network(snapshot))) write(line);
    endpoints.set(cluster.name, snapshot.cluster?.status?.endpoint?.host ?? '?');
  }
  const kubeconfig = writeKubeconfig(world, io);
  write(`host kubeconfig: ${kubeconfig}`);
  write(`  kubectl --kubeconfig ${kubeconfig} get ${provider.kubectlKinds} -A`);
  for (const [name, endpoint] of endpoints) {
    const listens = world.guestApi?.(name);
    if (listens) for (const line of guestKubeconfigLines({ namespace: run.namespace, name }, endpoint, listens, kubeconfig)) write(line);
  }
  if (!run.options.once) {
    write('running; delete a Cluster with kubectl to see it cleaned up; Ctrl-C to stop');
    await watchDeletions(
      world,
      run.followed.map((c) => c.name),
      { namespace: run.namespace, signal: io.signal, report: write, cleanedUp: provider.cleanedUp },
    );
  }
}

function writeKubeconfig(world: World, io: QuickstartIo): string {
  const path = io.kubeconfigPath ?? defaultKubeconfigPath();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // it holds the API server's token: readable by its owner only, also when it existed before; and
  // so is its folder, where the summary has the guest kubeconfigs (admin keys) written
  writeFileSync(path, world.kubeconfigYaml, { mode: 0o600 });
  chmodSync(path, 0o600);
  chmodSync(dirname(path), 0o700);
  return io.kubeconfigShownAs ?? path;
}
