/**
 * Guest VM addresses (internal): each guest cluster gets a /24 of 10.128.0.0/9 in the order
 * clusters are first seen (32,768 clusters), and each node name of a cluster an address of that
 * block in the order nodes are first seen, from `.2` (253 nodes). A node keeps its address for
 * the simulator's lifetime, across VM replacements, as a DHCP reservation by MAC would.
 */
import { err, ok, type Result } from 'neverthrow';

const BASE = (10 << 24) | (128 << 16);
const MAX_CLUSTERS = 1 << 15;
const FIRST_HOST = 2;
const LAST_HOST = 254;

const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** Stable addresses by cluster and node name. */
export class VmAddressBook {
  private readonly clusters = new Map<string, { readonly block: number; readonly nodes: Map<string, string> }>();

  /** The address of `node` in `cluster`, allocated on first use; an error once a block is full. */
  address(cluster: string, node: string): Result<string, string> {
    let entry = this.clusters.get(cluster);
    if (entry === undefined) {
      if (this.clusters.size >= MAX_CLUSTERS) return err(`no address block left for cluster ${cluster} (10.128.0.0/9 holds ${MAX_CLUSTERS} /24s)`);
      entry = { block: BASE + this.clusters.size * 256, nodes: new Map() };
      this.clusters.set(cluster, entry);
    }
    const known = entry.nodes.get(node);
    if (known !== undefined) return ok(known);
    const host = FIRST_HOST + entry.nodes.size;
    if (host > LAST_HOST) return err(`no address left for node ${node} in ${dotted(entry.block)}/24 of cluster ${cluster}`);
    const address = dotted(entry.block + host);
    entry.nodes.set(node, address);
    return ok(address);
  }

  /** The address already given to `node`, if any. */
  peek(cluster: string, node: string): string | undefined {
    return this.clusters.get(cluster)?.nodes.get(node);
  }
}
