#!/usr/bin/env node
/**
 * cert-operator: against your cluster and Vault (KUBECONFIG, VAULT_ADDR, VAULT_TOKEN), or
 * `--embedded` with a fake host and a fake Vault in-process. The operator itself is
 * `createCertOperator` of `@kubeception/pki-vault`.
 */
import { writeFileSync } from 'node:fs';
import { CERT_OPERATOR, createCertOperator } from '@kubeception/pki-vault';
import { CertificateResource, isTrue } from '@kubeception/sdk';
import { deployedManagerOptions, isMainModule, runOperatorCommand, type OperatorRun } from '@kubeception/sdk/runtime';
import vault from 'node-vault';
import { pino, type Logger } from 'pino';
import { startEmbedded, type Embedded } from './embedded.js';

/** The command line: the shared operator flags (`--log-level`, `--metrics-bind-address`, …) and these. */
export const COMMAND = {
  name: 'cert-operator',
  description: `Runs against KUBECONFIG (or in-cluster) and Vault at $VAULT_ADDR with $VAULT_TOKEN, with
leader election (Lease cert-operator) in $POD_NAMESPACE, /metrics on --metrics-bind-address and
the probes on --health-probe-bind-address; or --embedded.`,
  flags: {
    embedded: {
      type: 'boolean',
      help: "a fake host API server and a fake Vault in-process, with the sample KVM\nCluster's CertificateAuthority and Certificates",
    },
    once: { type: 'boolean', help: '(with --embedded) exit 0 once every Certificate is Ready, 1 after 60 s' },
  },
  environment: {
    POD_NAMESPACE: 'namespace of the Lease (default kubeception)',
    VAULT_ADDR: 'Vault (required without --embedded)',
    VAULT_TOKEN: "the operator's Vault token (required without --embedded)",
  },
} as const;

type Out = (line: string) => void;

/** Runs the CLI; resolves to the exit code (2 for a command line that cannot run). */
export async function main(argv: readonly string[], out: Out = (l) => console.log(l)): Promise<number> {
  return runOperatorCommand(COMMAND, argv, (args) => run(args, out), out);
}

async function run({ settings, values, usage }: OperatorRun<typeof COMMAND.flags>, out: Out): Promise<number> {
  const logger = pino({ level: settings.logLevel }, process.stderr);
  if (values.embedded) return runEmbedded(values.once === true, logger, out);
  const { VAULT_ADDR, VAULT_TOKEN } = process.env;
  if (!VAULT_ADDR || !VAULT_TOKEN) return (out(`VAULT_ADDR and VAULT_TOKEN must be set (or use --embedded)\n\n${usage}`), 2);
  await createCertOperator({
    ...deployedManagerOptions(CERT_OPERATOR, settings),
    vault: vault({ endpoint: VAULT_ADDR, token: VAULT_TOKEN, noCustomHTTPVerbs: true }),
    logger,
  }).start();
  return 0;
}

/**
 * Runs the operator on the in-process fakes, reporting the Certificates' progress; the exit code.
 * With `once`: exit once every Certificate is Ready (or after 60 s) instead of running until a signal.
 */
async function runEmbedded(once: boolean, logger: Logger, out: Out): Promise<number> {
  const world = await startEmbedded();
  writeFileSync('.cert-operator.kubeconfig', world.fakeKube.kubeconfigYaml, { mode: 0o600 }); // credentials: owner only
  out(`embedded host API server ${world.fakeKube.url} (kubeconfig: .cert-operator.kubeconfig), fake Vault ${world.fakeVault.url}`);
  const operator = createCertOperator({ kube: world.operatorKube, vault: world.operatorVault, logger, handleSignals: !once });
  const running = operator.start();
  const code = await followCertificates(world, { once, out, running });
  await operator.stop();
  await world.stop();
  return code;
}

/**
 * Prints how many Certificates are Ready as that changes, and each of them once all are; then
 * returns 0 with `once`, or waits for `running` (the operator, until a signal). With `once`, 1
 * after 60 s.
 */
async function followCertificates(world: Embedded, { once, out, running }: { readonly once: boolean; readonly out: Out; readonly running: Promise<unknown> }) {
  const started = Date.now();
  let reported = -1;
  for (;;) {
    const list = await world.kube
      .resource(CertificateResource)
      .list({ namespace: 'default' })
      .match(
        (l) => l.items,
        () => [],
      );
    const ready = list.filter((c) => isTrue(c.status?.conditions, 'Ready'));
    if (ready.length !== reported) out(`certificates Ready: ${(reported = ready.length)}/${list.length}`);
    if (ready.length === list.length && list.length > 0) {
      for (const c of ready) out(`  ${c.metadata.name.padEnd(28)} serial ${c.status?.serialNumber?.slice(0, 23)}…  expires ${c.status?.notAfter}`);
      out(`vault mounts: ${world.fakeVault.state.mounts().join(', ')}`);
      if (once) return 0;
      out('running; Ctrl-C to stop');
      await running;
      return 0;
    }
    if (once && Date.now() - started > 60_000) {
      out('timed out: not every Certificate became Ready within 60 s');
      return 1;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
