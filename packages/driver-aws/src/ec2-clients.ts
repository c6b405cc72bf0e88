/** EC2 clients by region, made on first use and kept: what the driver's `ec2` option asks for. */
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';

/** The EC2 clients of an operator, one per region. */
export interface Ec2Clients {
  /** The client of `region` (made on first use): pass it as the driver's `ec2`. */
  readonly forRegion: (region: string) => EC2Client;
  /** Destroys every client made so far (their sockets). */
  destroy(): void;
}

/** What {@link ec2Clients} gives each client when not told otherwise: the SDK's default credential chain, adaptive retries. */
export const DEFAULT_EC2_CLIENT_CONFIG: Omit<EC2ClientConfig, 'region'> = { retryMode: 'adaptive', maxAttempts: 5 };

/**
 * One EC2 client per region, each made with `config` and its region.
 *
 * @example
 * ```ts
 * import { createAwsDriver, ec2Clients } from '@kubeception/driver-aws';
 *
 * // against a fake EC2 (see `@kubeception/testing`'s `startFakeEc2`)
 * const clients = ec2Clients({ endpoint: fakeEc2.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test' } });
 * const driver = createAwsDriver({ ec2: clients.forRegion });
 * ```
 */
export function ec2Clients(config: Omit<EC2ClientConfig, 'region'> = DEFAULT_EC2_CLIENT_CONFIG): Ec2Clients {
  const clients = new Map<string, EC2Client>();
  return {
    forRegion: (region) => {
      let client = clients.get(region);
      if (client === undefined) clients.set(region, (client = new EC2Client({ ...config, region })));
      return client;
    },
    destroy: () => {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
