/**
 * What an EC2 account holds, read from outside through the EC2 API (the AWS SDK against the
 * fakes' URL), as an operator's tests would read a real account: every tagged resource with its
 * tags, instances with their state, terminated instances left out.
 */
import { DescribeInstancesCommand, DescribeTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { NODE_TAG, ROLE_TAG } from '@kubeception/driver-aws';

/** A tagged resource of the account. */
export interface Ec2Item {
  readonly id: string;
  /** EC2's `resource-type`: `vpc`, `subnet`, `instance`, … */
  readonly type: string;
  readonly tags: Readonly<Record<string, string>>;
  /** An instance's state (`pending`, `running`, `shutting-down`, …). */
  readonly state?: string;
}

/** Every tag of the region, a page at a time. */
async function allTags(ec2: EC2Client): Promise<{ id: string; type: string; key: string; value: string }[]> {
  const rows: { id: string; type: string; key: string; value: string }[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(new DescribeTagsCommand({ MaxResults: 1000, ...(token ? { NextToken: token } : {}) }));
    for (const t of page.Tags ?? []) rows.push({ id: t.ResourceId ?? '', type: t.ResourceType ?? '', key: t.Key ?? '', value: t.Value ?? '' });
    token = page.NextToken;
  } while (token);
  return rows;
}

/** The state of every instance of the region, by id. */
async function instanceStates(ec2: EC2Client): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await ec2.send(new DescribeInstancesCommand({ MaxResults: 1000, ...(token ? { NextToken: token } : {}) }));
    for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) states.set(instance.InstanceId ?? '', instance.State?.Name ?? '');
    token = page.NextToken;
  } while (token);
  return states;
}

/** The tagged resources of `ec2`'s region, terminated instances left out. */
export async function ec2Inventory(ec2: EC2Client): Promise<Ec2Item[]> {
  const [tags, states] = await Promise.all([allTags(ec2), instanceStates(ec2)]);
  const items = new Map<string, { id: string; type: string; tags: Record<string, string> }>();
  for (const row of tags) {
    const item = items.get(row.id) ?? { id: row.id, type: row.type, tags: {} };
    item.tags[row.key] = row.value;
    items.set(row.id, item);
  }
  return [...items.values()]
    .map((item): Ec2Item => (item.type === 'instance' ? { ...item, state: states.get(item.id) ?? 'unknown' } : item))
    .filter((item) => item.state !== 'terminated');
}

/**
 * What a resource is in its cluster: `<type>/<role tag>`, and for an instance `instance/<node>`
 * (the driver's {@link ROLE_TAG} and {@link NODE_TAG}). Two resources of a cluster with one key
 * are a duplicate.
 */
export function itemKey(item: Ec2Item): string {
  return item.type === 'instance' ? `instance/${item.tags[NODE_TAG] ?? '?'}` : `${item.type}/${item.tags[ROLE_TAG] ?? '?'}`;
}
