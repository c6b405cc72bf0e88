/**
 * Creations EC2 has acknowledged but Describe does not show yet (EC2 is eventually
 * consistent). While one is pending the driver waits instead of creating a duplicate. The
 * record is in memory: after a restart inside the (short) visibility window a duplicate can
 * still appear; it is owned-tagged, so deletion removes it with the rest.
 */
export class PendingCreations {
  private readonly until = new Map<string, number>();

  constructor(private readonly ttlMs = 120_000) {}

  /** Notes that `role` of `cluster` was just created. */
  record(cluster: string, role: string): void {
    this.until.set(`${cluster}/${role}`, Date.now() + this.ttlMs);
  }

  /** Whether `role` was created recently and is not visible yet. */
  pending(cluster: string, role: string): boolean {
    const until = this.until.get(`${cluster}/${role}`);
    if (until === undefined) return false;
    if (until < Date.now()) this.until.delete(`${cluster}/${role}`);
    return until >= Date.now();
  }

  /** Forgets the roles that are now visible. */
  seen(cluster: string, roles: Iterable<string>): void {
    for (const role of roles) this.until.delete(`${cluster}/${role}`);
  }
}
