/** The summary printed once every Cluster is Ready: nodes, certificates, network, timings. */
import { dirname, join } from 'node:path';
import type { Snapshot } from './progress.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const date = (iso: string | undefined) => (iso ? iso.replace(/\.\d+Z$/, 'Z') : '?');

/** The summary lines of one Ready Cluster; `readyInMs` is the time from its creation to Ready. */
export function summaryLines(snapshot: Snapshot, readyInMs: number, network: string): string[] {
  const { cluster, authority, certificates, machines } = snapshot;
  if (!cluster) return [];
  const status = cluster.status ?? {};
  const hostOf = (node: string) => machines.find((m) => m.node === node)?.host ?? '?';
  const nodes = status.nodes ?? [];
  const width = Math.max(12, ...nodes.map((n) => n.name.length), ...certificates.map((c) => c.metadata.name.length));
  return [
    `cluster ${cluster.metadata.namespace}/${cluster.metadata.name}: ${status.phase} in ${seconds(readyInMs)}, endpoint ${status.endpoint ? `${status.endpoint.host}:${status.endpoint.port}` : '?'}`,
    `  nodes (${nodes.length}):`,
    ...nodes.map((n) => `    ${n.name.padEnd(width)}  ${n.role.padEnd(6)}  ${(n.address ?? '?').padEnd(15)}  on ${hostOf(n.name)}`),
    `  certificates (${certificates.length}, CA ${authority?.metadata.name ?? '?'} at Vault ${authority?.status?.mountPath ?? '?'} expires ${date(authority?.status?.notAfter)}):`,
    ...[...certificates]
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
      .map((c) => `    ${c.metadata.name.padEnd(width)}  expires ${date(c.status?.notAfter)}`),
    `  ${network}`,
  ];
}

/**
 * How to reach a Cluster's guest API as its user: its guest kubeconfig Secret, printed by
 * `kubeception kubeconfig` (read with the host kubeconfig) into a file beside the host kubeconfig
 * (kubectl reads a kubeconfig twice, so `--kubeconfig <(…)` cannot work), handed to kubectl with
 * the address the guest's API server listens on here (the endpoint's name does not resolve) and
 * the server's certificate still verified for the endpoint's name.
 */
export function guestKubeconfigLines(
  cluster: { readonly namespace: string; readonly name: string },
  endpointHost: string,
  listens: { readonly host: string; readonly port: number },
  hostKubeconfig: string,
): string[] {
  const ref = `${cluster.namespace}/${cluster.name}`;
  const file = join(dirname(hostKubeconfig), `${cluster.name}.kubeconfig`);
  return [
    `guest kubeconfig of ${ref}: Secret ${cluster.namespace}/${cluster.name}-kubeconfig; its API server (${endpointHost}) listens on ${listens.host}:${listens.port}`,
    `  npx kubeception kubeconfig --kubeconfig ${hostKubeconfig} ${ref} > ${file}`,
    `  kubectl --kubeconfig ${file} --server https://${listens.host}:${listens.port} --tls-server-name ${endpointHost} get nodes`,
  ];
}
