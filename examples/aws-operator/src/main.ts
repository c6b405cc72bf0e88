#!/usr/bin/env node
/** aws-operator: against your cluster and AWS account, or `--embedded` on in-process fakes. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ClusterResource, type Cluster } from '@kubeception/sdk';
import { deployedManagerOptions } from '@kubeception/sdk/runtime';
import vault from 'node-vault';
import { pino, type Logger } from 'pino';
import { startEmbeddedAws, type EmbeddedAws } from './embedded.js';
import { AWS_OPERATOR, createOperator } from './operator.js';

const USAGE = `Usage: aws-operator [--embedded] [--once] [--verbose]

  (default)    run against KUBECONFIG (or in-cluster) and AWS through the SDK's default
               credential chain and region, with leader election in $POD_NAMESPACE
               (default kubeception) and /metrics, /healthz, /readyz on :8080
  --embedded   a fake host API server, a fake EC2 and a fake Vault in-process, with the
               sample AWS Cluster (examples/samples/valid/cluster-aws.yaml)
  --once       (with --embedded) exit 0 once the Cluster is Ready, 1 after 120 s
  --verbose    operator logs on stderr
`;

export async function main(argv: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { embedded: { type: 'boolean' }, once: { type: 'boolean' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return (out(USAGE), 0);
  const logger = pino({ level: values.verbose ? 'info' : 'silent' }, process.stderr);
  if (!values.embedded) return runAgainstCluster(logger);
  return runEmbedded({ once: values.once === true, logger, out });
}

/** Runs the operator against KUBECONFIG (or in-cluster) and AWS until a signal stops it. */
async function runAgainstCluster(logger: Logger): Promise<number> {
  const { VAULT_ADDR, VAULT_TOKEN } = process.env;
  await createOperator({
    ...deployedManagerOptions(AWS_OPERATOR),
    ...(VAULT_ADDR && VAULT_TOKEN
      ? { bootTokens: { vault: vault({ endpoint: VAULT_ADDR, token: VAULT_TOKEN, noCustomHTTPVerbs: true }), vaultAddr: VAULT_ADDR } }
      : {}),
    logger,
  }).start();
  return 0;
}

/** Options of {@link runEmbedded}. */
interface EmbeddedRun {
  /** Exit once the Cluster is Ready (or after 120 s) instead of running until a signal. */
  readonly once: boolean;
  readonly logger: Logger;
  readonly out: (line: string) => void;
}

/** Runs the operator on in-process fakes, reporting the sample Cluster's progress; the exit code. */
async function runEmbedded({ once, logger, out }: EmbeddedRun): Promise<number> {
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

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  process.exitCode = await main(process.argv.slice(2));
}
