/** Pod IPs from each node's pod CIDR (internal): a /24 gives .2 to .254, lowest free first. */
export class PodIpPool {
  private readonly used = new Map<string, Set<number>>();

  /** An IP for a pod on a node with this `spec.podCIDR`, or undefined when none is left. */
  allocate(cidr: string | undefined): string | undefined {
    const prefix = prefixOf(cidr);
    if (prefix === undefined) return undefined;
    let taken = this.used.get(prefix);
    if (taken === undefined) this.used.set(prefix, (taken = new Set()));
    for (let host = 2; host < 255; host++) {
      if (!taken.has(host)) {
        taken.add(host);
        return `${prefix}${host}`;
      }
    }
    return undefined;
  }

  /** Returns an IP to its pool. */
  release(ip: string | undefined): void {
    if (ip === undefined) return;
    const dot = ip.lastIndexOf('.');
    this.used.get(ip.slice(0, dot + 1))?.delete(Number(ip.slice(dot + 1)));
  }
}

function prefixOf(cidr: string | undefined): string | undefined {
  const match = cidr === undefined ? null : /^(\d+\.\d+\.\d+\.)\d+\/\d+$/.exec(cidr);
  return match?.[1];
}
