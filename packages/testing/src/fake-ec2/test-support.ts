/** Helpers for the fake EC2's own tests: real SDK clients in-process through msw (internal). */
import { EC2, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { createSimulatedClock, type SimulatedClock } from '../simulated-host/clock.js';
import { createFakeEc2, type FakeEc2, type FakeEc2Options } from './fake-ec2.js';

/** The endpoint in-process clients use (intercepted by msw, never resolved). */
export const ENDPOINT = 'https://ec2.fake.test';

/** Explicit test credentials (no provider chain lookup). */
export const CREDENTIALS = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };

/** A fake EC2 behind msw's `setupServer`, on a simulated clock. Call `close()` after. */
export interface InProcess {
  readonly ec2: FakeEc2;
  readonly clock: SimulatedClock;
  /**
   * A client for `region` (default us-east-1), `maxAttempts: 1` unless overridden: the SDK's aggregated `EC2` class,
   * so `c.createVpc(input)` sends exactly what `c.send(new CreateVpcCommand(input))` sends (and `send` still works).
   */
  client(region?: string, config?: Partial<EC2ClientConfig>): EC2;
  close(): void;
}

/** The fake and its clients, msw not yet listening. */
function create(options: FakeEc2Options): InProcess & { listen(): void } {
  const clock = createSimulatedClock({ start: Date.parse('2026-01-01T00:00:00Z') });
  const ec2 = createFakeEc2({ now: () => new Date(clock.now()), ...options });
  const server = setupServer(...ec2.handlers);
  const clients: EC2[] = [];
  const client = (region = 'us-east-1', config: Partial<EC2ClientConfig> = {}) => {
    const c = new EC2({ region, endpoint: ENDPOINT, credentials: CREDENTIALS, maxAttempts: 1, ...config });
    clients.push(c);
    return c;
  };
  return {
    ec2,
    clock,
    client,
    listen: () => server.listen({ onUnhandledRequest: 'error' }),
    close: () => {
      for (const c of clients) c.destroy();
      server.close();
    },
  };
}

/** Starts msw with the fake's handlers. */
export function inProcess(options: FakeEc2Options = {}): InProcess {
  const t = create(options);
  t.listen();
  return t;
}

/** A fake for the enclosing `describe` block: msw listens from its `beforeAll` and closes in its `afterAll`. */
export function inProcessSuite(options: FakeEc2Options = {}): InProcess {
  const t = create(options);
  beforeAll(() => t.listen());
  afterAll(() => t.close());
  return t;
}

/** An EC2 error as {@link failure} reads it. */
export function ec2Error(code: string, message: string, status = 400): { code: string; message: string; status: number } {
  return { code, message, status };
}

/** `Filters` of a Describe call: a value or several per name. */
export function filters(values: Readonly<Record<string, string | readonly string[]>>): { Name: string; Values: string[] }[] {
  return Object.entries(values).map(([Name, value]) => ({ Name, Values: typeof value === 'string' ? [value] : [...value] }));
}

/** The error code (`name`), message and HTTP status of a rejected SDK call. */
export async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { code: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

/** Creates a VPC (10.0.0.0/16) with one subnet (10.0.1.0/24 in the first zone). */
export async function network(client: EC2, zone = 'us-east-1a'): Promise<{ vpcId: string; subnetId: string }> {
  const { Vpc } = await client.createVpc({ CidrBlock: '10.0.0.0/16' });
  const { Subnet } = await client.createSubnet({ VpcId: Vpc?.VpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: zone });
  return { vpcId: Vpc?.VpcId ?? '', subnetId: Subnet?.SubnetId ?? '' };
}
