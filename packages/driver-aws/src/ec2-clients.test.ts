import { describe, expect, it } from 'vitest';
import { ec2Clients } from './ec2-clients.js';

describe('ec2Clients', () => {
  it('makes one client per region, with the config given, and makes them anew once destroyed', async () => {
    const clients = ec2Clients({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const eu = clients.forRegion('eu-west-1');
    expect(clients.forRegion('eu-west-1')).toBe(eu);
    const us = clients.forRegion('us-east-1');
    expect(us).not.toBe(eu);
    expect([await eu.config.region(), await us.config.region(), await eu.config.maxAttempts()]).toEqual(['eu-west-1', 'us-east-1', 1]);
    clients.destroy();
    expect(clients.forRegion('eu-west-1')).not.toBe(eu);
    clients.destroy();
  });

  it('retries adaptively by default', async () => {
    const clients = ec2Clients();
    const client = clients.forRegion('eu-west-1');
    const strategy = await client.config.retryStrategy();
    expect(['mode' in strategy ? strategy.mode : undefined, await client.config.maxAttempts()]).toEqual(['adaptive', 5]);
    clients.destroy();
  });
});
