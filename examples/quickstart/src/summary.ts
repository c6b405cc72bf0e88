/** The summary printed once every Cluster is Ready: nodes, certificates, network, timings. */
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
