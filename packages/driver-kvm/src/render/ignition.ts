/**
 * A node's Ignition v3 config for a Flatcar-style guest: hostname, DHCP on eth0, node facts,
 * kubeconfigs and kubelet config (certificate paths only), and the systemd units.
 *
 * No users are configured: the KVM provider spec has no SSH keys field, so none are invented.
 * No secret material is written: certificates reach the guest through the launcher's read-only
 * 9p share, mounted at `/etc/kubernetes/ssl` by the `etc-kubernetes-ssl.mount` unit.
 *
 * Every user-written value is quoted for where it lands (see `quote.ts`): a value that cannot be
 * written safely (a control character, a node label that is no Kubernetes label) makes the
 * rendering fail with {@link Unrenderable} instead of reaching the guest.
 */
import { NodeRole } from '@kubeception/sdk';
import type { Result } from 'neverthrow';
import type { KvmCluster } from './cluster.js';
import { fetchScript, GuestPath, kubeconfigFile, kubeletConfigFile, networkUnitFile, nodeEnvFile } from './guest-files.js';
import { guestUnits, type IgnitionUnit } from './guest-units.js';
import type { VmNode } from './nodes.js';
import { quoting, type Quoting, type Unrenderable } from './quote.js';

/** The Ignition spec version rendered. */
export const IGNITION_VERSION = '3.4.0';

/** An Ignition v3 file entry. */
export interface IgnitionFile {
  /** Absolute path in the guest. */
  readonly path: string;
  /** File mode, decimal (0644 is 420). */
  readonly mode: number;
  /** Replace a file already there. */
  readonly overwrite: boolean;
  /** The contents as a `data:` URL. */
  readonly contents: { readonly source: string };
}

/** The parts of an Ignition v3.4.0 config rendered here. */
export interface IgnitionConfig {
  /** The Ignition spec version, `3.4.0`. */
  readonly ignition: { readonly version: typeof IGNITION_VERSION };
  /** Files written at first boot. */
  readonly storage: { readonly files: readonly IgnitionFile[] };
  /** Units installed (and enabled) at first boot. */
  readonly systemd: { readonly units: readonly IgnitionUnit[] };
}

/** Characters kept as-is in a `data:` URL payload (RFC 2396 unreserved and most reserved ones). */
const URL_SAFE = /[A-Za-z0-9\-_.!~*'();/:@&=+$,]/;

/**
 * An RFC 2397 `data:` URL of plain text. Only characters outside {@link URL_SAFE} are
 * percent-encoded (UTF-8), so paths and flags stay readable; `decodeURIComponent` reverses it.
 */
export function dataUrl(text: string): string {
  return `data:,${Array.from(text, (c) => (URL_SAFE.test(c) ? c : encodeURIComponent(c))).join('')}`;
}

function file(path: string, text: string, mode = 0o644): IgnitionFile {
  return { path, mode, overwrite: true, contents: { source: dataUrl(text) } };
}

function kubeconfigs(q: Quoting, cluster: KvmCluster, node: VmNode): IgnitionFile[] {
  const names = node.role === NodeRole.Master ? ['kubelet', 'controller-manager', 'scheduler'] : ['kubelet'];
  return names.map((name) => file(`${GuestPath.KubeconfigDir}/${name}.json`, kubeconfigFile(q, cluster, node.role)));
}

/** The Ignition config of one node, or why a user-written value cannot be written into it. */
export function renderIgnition(cluster: KvmCluster, node: VmNode): Result<IgnitionConfig, Unrenderable> {
  const q = quoting();
  const config: IgnitionConfig = {
    ignition: { version: IGNITION_VERSION },
    storage: {
      files: [
        file(GuestPath.Hostname, `${q.dnsLabel(node.name, `node name (from metadata.name${node.pool === undefined ? '' : ' and the pool name'})`)}\n`),
        file(GuestPath.Network, networkUnitFile()),
        file(GuestPath.NodeEnv, nodeEnvFile(q, cluster, node)),
        file(GuestPath.Fetch, fetchScript(), 0o755),
        file(GuestPath.KubeletConfig, kubeletConfigFile(q, cluster, node.role)),
        ...kubeconfigs(q, cluster, node),
      ],
    },
    systemd: { units: guestUnits(q, cluster, node) },
  };
  return q.result(config);
}
