/**
 * Creations EC2 has acknowledged but Describe does not show yet (EC2 is eventually
 * consistent). While one is pending the driver waits instead of creating again. The record is in
 * memory, so it only spares calls within one process; what survives a restart is EC2's own:
 * - the route table and the instances are created with a deterministic ClientToken: after a
 *   restart inside the visibility window the create is sent again and answered with the same
 *   resource (nothing new), then recorded here (the route table's token also counts the
 *   {@link PendingCreations.lapses lapses});
 * - subnets and security groups have no ClientToken, but EC2 refuses a second one (an overlapping
 *   CIDR, a group name taken in the VPC): the driver retries until the first becomes visible;
 * - the VPC and the internet gateway have neither: a restart inside the (short) window can create
 *   a second one. It is owned-tagged, observe uses one (`AwsWorld.duplicates` lists the other) and
 *   the duplicates stage deletes it (see docs/decisions/024).
 */
export class PendingCreations {
  private readonly until = new Map<string, number>();
  private readonly lapsed = new Map<string, number>();

  constructor(private readonly ttlMs = 120_000) {}

  /** Notes that `role` of `cluster` was just created. */
  record(cluster: string, role: string): void {
    this.until.set(`${cluster}/${role}`, Date.now() + this.ttlMs);
  }

  /** Whether `role` was created recently and is not visible yet (a record that expires unseen counts as a {@link lapses lapse}). */
  pending(cluster: string, role: string): boolean {
    const key = `${cluster}/${role}`;
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until >= Date.now()) return true;
    this.until.delete(key);
    this.lapsed.set(key, (this.lapsed.get(key) ?? 0) + 1);
    return false;
  }

  /**
   * How many creations of `role` this process waited for in vain (never seen within the TTL):
   * part of a ClientToken, so that a resource deleted by hand, whose token EC2 would answer with
   * the deleted resource, is created anew after one TTL.
   */
  lapses(cluster: string, role: string): number {
    this.pending(cluster, role); // a record expiring now counts
    return this.lapsed.get(`${cluster}/${role}`) ?? 0;
  }

  /** Forgets the roles that are now visible. */
  seen(cluster: string, roles: Iterable<string>): void {
    for (const role of roles) {
      this.until.delete(`${cluster}/${role}`);
      this.lapsed.delete(`${cluster}/${role}`);
    }
  }
}
