#!/usr/bin/env node
/** aws-operator: against your cluster and AWS account, or `--embedded` on in-process fakes. */
import { writeFileSync } from 'node:fs';
import { ClusterResource, type Cluster } from '@kubeception/sdk';
import { deployedManagerOptions, isMainModule, runOperatorCommand, type OperatorRun, type OperatorSettings } from '@kubeception/sdk/runtime';
import vault from 'node-vault';
import { pino, type Logger } from 'pino';
import { startEmbeddedAws, type EmbeddedAws } from './embedded.js';
import { AWS_OPERATOR, createOperator } from './operator.js';

/** The command line: the shared operator flags (`--log-level`, `--metrics-bind-address`, …) and these. */
export const COMMAND = {
  name: 'aws-operator',
  description: `Runs against KUBECONFIG (or in-cluster) and AWS through the SDK's default credential chain
and region, with leader election (Lease aws-operator) in $POD_NAMESPACE, /metrics on
--metrics-bind-address and the probes on --health-probe-bind-address; or --embedded.`,
  flags: {
    embedded: {
      type: 'boolean',
      help: 'a fake host API server, a fake EC2 and a fake Vault in-process, with the\nsample AWS Cluster (examples/samples/valid/cluster-aws.yaml)',
    },
    once: { type: 'boolean', help: '(with --embedded) exit 0 once the Cluster is Ready, 1 after 120 s' },
  },
  environment: {
    POD_NAMESPACE: 'namespace of the Lease (default kubeception)',
    VAULT_ADDR: 'with VAULT_TOKEN: nodes get single-use wrapped Vault boot tokens',
    VAULT_TOKEN: "the operator's Vault token",
    AWS_REGION: "and the other variables of the AWS SDK's default chains",
  },
} as const;

type Out = (line: string) => void;

/** Runs the CLI; resolves to the exit code (2 for a command line that cannot run). */
export async function main(argv: readonly string[], out: Out = (l) => console.log(l)): Promise<number> {
  return runOperatorCommand(COMMAND, argv, (args) => run(args, out), out);
}

async function run({ settings, values }: OperatorRun<typeof COMMAND.flags>, out: Out): Promise<number> {
  const logger = pino({ level: settings.logLevel }, process.stderr);
  return values.embedded ? runEmbedded(values.once === true, logger, out) : runAgainstCluster(settings, logger);
}

/** Runs the operator against KUBECONFIG (or in-cluster) and AWS until a signal stops it. */
async function runAgainstCluster(settings: OperatorSettings, logger: Logger): Promise<number> {
  const { VAULT_ADDR, VAULT_TOKEN } = process.env;
  await createOperator({
    ...deployedManagerOptions(AWS_OPERATOR, settings),
    ...(VAULT_ADDR && VAULT_TOKEN
      ? { bootTokens: { vault: vault({ endpoint: VAULT_ADDR, token: VAULT_TOKEN, noCustomHTTPVerbs: true }), vaultAddr: VAULT_ADDR } }
      : {}),
    logger,
  }).start();
  return 0;
}

/**
 * Runs the operator on in-process fakes, reporting the sample Cluster's progress; the exit code.
 * With `once`: exit once the Cluster is Ready (or after 120 s) instead of running until a signal.
 */
async function runEmbedded(once: boolean, logger: Logger, out: Out): Promise<number> {
  const world = await startEmbeddedAws();
  writeFileSync('.aws-operator.kubeconfig', world.fakeKube.kubeconfigYaml, { mode: 0o600 }); // credentials: owner only
  out(`embedded host ${world.fakeKube.url} (kubeconfig: .aws-operator.kubeconfig), fake EC2 ${world.fakeEc2.url}, fake Vault ${world.fakeVault.url}`);
  const operator = createOperator({
    kube: world.operatorKube,
    ec2: world.ec2,
    withPki: { vault: world.vault },
    bootTokens: { vault: world.vault, vaultAddr: world.fakeVault.url },
    logger,
    handleSignals: !once,
    pollMs: 100,
  });
  const running = operator.start();
  const code = await followCluster(world, { once, out, running });
  await operator.stop();
  await world.stop();
  return code;
}

/**
 * Prints the sample Cluster's phase as it changes, and its nodes once Ready; then returns 0 with
 * `once`, or waits for `running` (the operator, until a signal). With `once`, 1 after 120 s.
 */
async function followCluster(
  world: EmbeddedAws,
  { once, out, running }: { readonly once: boolean; readonly out: (line: string) => void; readonly running: Promise<unknown> },
): Promise<number> {
  const started = Date.now();
  let last = '';
  for (;;) {
    const cluster = await world.kube
      .resource(ClusterResource)
      .get('prod-eu', { namespace: 'default' })
      .match(
        (c) => c,
        () => undefined,
      );
    const line = phaseLine(cluster);
    if (line !== last) out(`cluster prod-eu: ${(last = line)}`);
    if (cluster?.status?.phase === 'Ready') {
      for (const n of cluster.status.nodes ?? []) out(`  ${n.name.padEnd(20)} ${n.role.padEnd(7)} ${n.address ?? ''}`);
      out(`EC2: ${world.fakeEc2.state.userResources().length} resources; endpoint ${cluster.status.endpoint?.host}:${cluster.status.endpoint?.port}`);
      if (once) return 0;
      out('running; Ctrl-C to stop');
      await running;
      return 0;
    }
    if (once && Date.now() - started > 120_000) {
      out('timed out: the Cluster did not become Ready within 120 s');
      return 1;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The Cluster's phase, with the conditions still pending (other than Ready). */
function phaseLine(cluster: Cluster | undefined): string {
  const pending = cluster?.status?.conditions?.filter((c) => c.status !== 'True' && c.type !== 'Ready').map((c) => `${c.type}: ${c.message || c.reason}`) ?? [];
  return `${cluster?.status?.phase ?? 'Pending'}${pending.length ? ` (${pending.join('; ')})` : ''}`;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
