#!/usr/bin/env node
/**
 * cert-operator: against your cluster and Vault (KUBECONFIG, VAULT_ADDR, VAULT_TOKEN), or
 * `--embedded` with a fake host and a fake Vault in-process. The operator itself is
 * `createCertOperator` of `@kubeception/pki-vault`.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CERT_OPERATOR, createCertOperator } from '@kubeception/pki-vault';
import { CertificateResource, isTrue } from '@kubeception/sdk';
import { deployedManagerOptions } from '@kubeception/sdk/runtime';
import vault from 'node-vault';
import { pino, type Logger } from 'pino';
import { startEmbedded, type Embedded } from './embedded.js';

const USAGE = `Usage: cert-operator [--embedded] [--once] [--verbose]

  (default)    run against KUBECONFIG (or in-cluster) and VAULT_ADDR / VAULT_TOKEN,
               with leader election in $POD_NAMESPACE (default kubeception) and
               /metrics, /healthz, /readyz on :8080
  --embedded   start a fake host API server and a fake Vault in-process, with the
               sample KVM Cluster's CertificateAuthority and Certificates
  --once       (with --embedded) exit 0 once every Certificate is Ready, 1 after 60 s
  --verbose    operator logs on stderr
`;

type Out = (line: string) => void;

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], out: Out = (l) => console.log(l)): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { embedded: { type: 'boolean' }, once: { type: 'boolean' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return (out(USAGE), 0);
  const logger = pino({ level: values.verbose ? 'info' : 'warn' }, process.stderr);
  if (values.embedded) return runEmbedded({ once: values.once === true, logger, out });
  const { VAULT_ADDR, VAULT_TOKEN } = process.env;
  if (!VAULT_ADDR || !VAULT_TOKEN) return (out(`VAULT_ADDR and VAULT_TOKEN must be set (or use --embedded)\n\n${USAGE}`), 2);
  await createCertOperator({
    ...deployedManagerOptions(CERT_OPERATOR),
    vault: vault({ endpoint: VAULT_ADDR, token: VAULT_TOKEN, noCustomHTTPVerbs: true }),
    logger,
  }).start();
  return 0;
}

/** How `--embedded` runs. */
interface EmbeddedRun {
  /** Exit once every Certificate is Ready (or after 60 s) instead of running until a signal. */
  readonly once: boolean;
  readonly logger: Logger;
  readonly out: Out;
}

/** Runs the operator on the in-process fakes, reporting the Certificates' progress; the exit code. */
async function runEmbedded({ once, logger, out }: EmbeddedRun): Promise<number> {
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

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  process.exitCode = await main(process.argv.slice(2));
}
