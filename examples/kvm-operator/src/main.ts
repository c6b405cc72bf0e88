#!/usr/bin/env node
/**
 * kvm-operator: against your host cluster and its flannel etcd (KUBECONFIG or in-cluster), or
 * `--embedded` on an in-process simulated host, fake Vault and VM simulator.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { adminCertificateConnector, createEtcdNetworkStore } from '@kubeception/driver-kvm';
import { ClusterResource, type Cluster, type Persisted } from '@kubeception/sdk';
import { deployedManagerOptions, isMainModule } from '@kubeception/sdk/runtime';
import vault from 'node-vault';
import { pino, type Logger } from 'pino';
import { parseConfig, USAGE, type Config } from './config.js';
import { SAMPLE, startEmbeddedKvm, type EmbeddedKvm } from './embedded.js';
import { createOperator, KVM_OPERATOR } from './operator.js';

type Out = (line: string) => void;

/** Where `--embedded` writes the simulated host's kubeconfig (`.kubeception/` is git-ignored). */
export const EMBEDDED_KUBECONFIG = '.kubeception/kvm-operator.kubeconfig';

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], out: Out = (l) => console.log(l)): Promise<number> {
  return parseConfig(argv).match(
    (config) => run(config, out),
    async (message) => (out(`${message}\n\n${USAGE}`), 2),
  );
}

async function run(config: Config, out: Out): Promise<number> {
  if (config.mode === 'help') return (out(USAGE), 0);
  const logger = pino({ level: config.settings.logLevel }, process.stderr);
  return config.mode === 'embedded' ? runEmbedded(config, out, logger) : runOnHost(config, logger);
}

/** Production: the host cluster, the etcd store flanneld reads, leader election, probes. */
async function runOnHost(config: Extract<Config, { mode: 'host' }>, logger: Logger): Promise<number> {
  const { flannel } = config;
  const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path));
  const rootCertificate = read(flannel.caFile);
  const certChain = read(flannel.certFile);
  const privateKey = read(flannel.keyFile);
  const store = createEtcdNetworkStore({
    hosts: flannel.endpoints,
    ...(rootCertificate ? { credentials: { rootCertificate, ...(certChain && privateKey ? { certChain, privateKey } : {}) } } : {}),
  });
  const operator = createOperator({
    ...deployedManagerOptions(KVM_OPERATOR, { ...config.settings, namespace: config.namespace }),
    networkStore: store,
    flannel: { etcdEndpoints: flannel.endpoints, ...(flannel.tlsSecret ? { etcdTlsSecretName: flannel.tlsSecret } : {}) },
    ledgerNamespace: config.ledgerNamespace,
    // every guest through one address (a TLS passthrough routing by server name), its certificate still checked for the endpoint's name
    ...(config.guestApiDial ? { guest: adminCertificateConnector({ dial: () => config.guestApiDial }) } : {}),
    ...(config.vault ? { withPki: { vault: vault({ endpoint: config.vault.addr, token: config.vault.token, noCustomHTTPVerbs: true }) } } : {}),
    logger,
  });
  try {
    await operator.start();
  } finally {
    await store.close();
  }
  return 0;
}

/** `--embedded`: the fakes, the operator on them, and the sample Cluster's progress until Ready. */
async function runEmbedded(config: Extract<Config, { mode: 'embedded' }>, out: Out, logger: Logger): Promise<number> {
  const world = await startEmbeddedKvm();
  mkdirSync('.kubeception', { recursive: true });
  writeFileSync(EMBEDDED_KUBECONFIG, world.host.kubeconfigYaml, { mode: 0o600 }); // credentials: owner only
  out(`embedded host ${world.host.kube.url} (kubeconfig: ${EMBEDDED_KUBECONFIG}), fake Vault ${world.fakeVault.url}, VM simulator, in-memory flannel store`);
  const operator = createOperator({ ...world.operatorOptions(), logger, handleSignals: !config.once });
  let stopped = false;
  const running = operator.start().finally(() => (stopped = true));
  const code = await follow(world, config, out, () => stopped);
  if (code === 0 && !config.once && !stopped) {
    out('running; Ctrl-C to stop');
    await running;
  }
  await operator.stop();
  await world.stop();
  return code;
}

/** Prints the sample Cluster's phase and what it waits for whenever that changes; 0 once Ready, 1 on timeout (with `--once`). */
async function follow(world: EmbeddedKvm, config: Extract<Config, { mode: 'embedded' }>, out: Out, stopped: () => boolean): Promise<number> {
  const started = Date.now();
  let last = '';
  while (!stopped()) {
    const cluster = await world.kube
      .resource(ClusterResource)
      .get(SAMPLE.name, { namespace: SAMPLE.namespace })
      .match(
        (c) => c,
        () => undefined,
      );
    const line = progressLine(cluster);
    if (line !== last) out(`cluster ${SAMPLE.name}: ${(last = line)}`);
    if (cluster?.status?.phase === 'Ready') {
      for (const line of readyLines(world, cluster)) out(line);
      return 0;
    }
    if (config.once && Date.now() - started > config.timeoutMs) {
      out(`timed out: the Cluster did not become Ready within ${config.timeoutMs / 1000} s`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return 1;
}

/** `Provisioning (NetworkReady: flanneld starting on the hosts; …)`. */
export function progressLine(cluster: Persisted<Cluster> | undefined): string {
  const pending = cluster?.status?.conditions?.filter((c) => c.status !== 'True' && c.type !== 'Ready').map((c) => `${c.type}: ${c.message || c.reason}`) ?? [];
  return `${cluster?.status?.phase ?? 'Pending'}${pending.length ? ` (${pending.join('; ')})` : ''}`;
}

/** The nodes, the network and the endpoint of a Ready Cluster. */
function readyLines(world: EmbeddedKvm, cluster: Persisted<Cluster>): string[] {
  const status = cluster.status ?? {};
  const flannel = status.network?.flannel;
  return [
    ...(status.nodes ?? []).map((n) => `  ${n.name.padEnd(20)} ${n.role.padEnd(7)} ${(n.address ?? '').padEnd(15)} ${n.providerID ?? ''}`),
    `network ${flannel?.network ?? '?'} (VNI ${flannel?.vni ?? '?'}), pods ${status.network?.podCIDR ?? '?'}; endpoint ${status.endpoint?.host}:${status.endpoint?.port}`,
    `guest API servers: ${world.vms.clusters().join(', ')}`,
  ];
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
