/**
 * The flannel store on a real etcd (Debian `etcd-server`, started on free ports by startEtcd):
 * the shared behaviour, racing clients, mTLS, and failing fast with `Unavailable` when etcd is gone or hung.
 */
import { createServer } from 'node:net';
import { createEtcdNetworkStore, flannelEtcdPrefix, type FlannelNetworkConfig, type NetworkStore } from '@kubeception/driver-kvm';
import { startEtcd, systemTestGate, type EtcdServer } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkStoreSuite } from './network-store-suite.js';

const gate = systemTestGate(['etcd']);
if (!gate.run) console.warn(`etcd network store tests skipped: ${gate.why}`);

const config: FlannelNetworkConfig = { Network: '10.64.5.0/24', SubnetLen: 28, Backend: { Type: 'vxlan', VNI: 5 } };
const demo = flannelEtcdPrefix('demo');

/** A loopback port nothing listens on right now (the kernel's pick for port 0, released again). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Milliseconds `work` took. */
async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

describe.skipIf(!gate.run)('etcd network store', () => {
  let etcd: EtcdServer;
  let suites = 0;
  const store = (namespace: string, extra: { timeoutMs?: number; retries?: number } = {}): NetworkStore =>
    createEtcdNetworkStore({ hosts: etcd.url, namespace, timeoutMs: 2_000, retries: 1, ...extra });

  beforeAll(async () => {
    etcd = await startEtcd();
  }, 60_000);
  afterAll(async () => {
    await etcd?.stop();
  }, 20_000);

  networkStoreSuite('shared behaviour', () => store(`/suite-${++suites}`));

  it('keeps a namespace apart from the rest of etcd', async () => {
    const [inside, outside] = [store('/ns-a'), createEtcdNetworkStore({ hosts: etcd.url })];
    try {
      expect((await inside.putConfig(demo, config))._unsafeUnwrap()).toEqual({ written: true });
      expect((await outside.raw.keys('/ns-a/'))._unsafeUnwrap()).toEqual([`/ns-a${demo}/config`]);
      expect((await outside.getConfig(demo))._unsafeUnwrap()).toBeUndefined();
    } finally {
      await Promise.all([inside.close(), outside.close()]);
    }
  });

  it('writes exactly once when 20 clients race to put the same config', async () => {
    const clients = Array.from({ length: 20 }, () => store('/race'));
    try {
      const results = await Promise.all(clients.map((client) => client.putConfig(demo, config)));
      expect(results.filter((result) => result._unsafeUnwrap().written)).toHaveLength(1);
      expect((await clients[0]!.raw.get(`${demo}/config`))._unsafeUnwrap()?.value).toBe(JSON.stringify(config));
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  // Every round of compare-and-write has a winner, so n writers finish within n rounds (putConfig gives up after 10).
  it('lets each of 10 clients racing with different configs write once, without clobbering blindly', async () => {
    const clients = Array.from({ length: 10 }, () => store('/race-different'));
    try {
      const configs = clients.map((_, i) => ({ ...config, Backend: { Type: 'vxlan' as const, VNI: 100 + i } }));
      const results = await Promise.all(clients.map((client, i) => client.putConfig(demo, configs[i]!)));
      expect(results.map((result) => result.map(({ written }) => written))).toEqual(configs.map(() => expect.objectContaining({ value: true })));
      expect(configs).toContainEqual((await clients[0]!.getConfig(demo))._unsafeUnwrap());
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  it('fails with Unavailable within a few seconds when nothing listens', async () => {
    const nowhere = createEtcdNetworkStore({ hosts: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2_000 });
    try {
      const elapsed = await timed(async () => expect((await nowhere.getConfig(demo))._unsafeUnwrapErr().kind).toBe('Unavailable'));
      expect(elapsed).toBeLessThan(3_000);
      expect((await nowhere.putConfig(demo, config))._unsafeUnwrapErr().kind).toBe('Unavailable');
    } finally {
      await nowhere.close();
    }
  });

  it('fails with Unavailable when etcd hangs, and recovers when it answers again', async () => {
    const hung = store('/hung', { timeoutMs: 500, retries: 1 });
    try {
      expect((await hung.putConfig(demo, config))._unsafeUnwrap()).toEqual({ written: true });
      await etcd.pause();
      try {
        const elapsed = await timed(async () => expect((await hung.getConfig(demo))._unsafeUnwrapErr().kind).toBe('Unavailable'));
        expect(elapsed).toBeLessThan(3_000);
      } finally {
        etcd.resume();
      }
      expect((await hung.getConfig(demo))._unsafeUnwrap()).toEqual(config);
    } finally {
      await hung.close();
    }
  });

  it('talks to an etcd requiring client certificates (mTLS), and fails (not Unavailable: waiting will not help) without one', async () => {
    const secure = await startEtcd({ tls: true });
    const tls = secure.tls!;
    const credentials = { rootCertificate: Buffer.from(tls.caCert), certChain: Buffer.from(tls.clientCert), privateKey: Buffer.from(tls.clientKey) };
    const [trusted, anonymous] = [
      createEtcdNetworkStore({ hosts: secure.url, credentials, timeoutMs: 2_000 }),
      createEtcdNetworkStore({ hosts: secure.url, credentials: { rootCertificate: credentials.rootCertificate }, timeoutMs: 1_000, retries: 0 }),
    ];
    try {
      expect((await trusted.putConfig(demo, config))._unsafeUnwrap()).toEqual({ written: true });
      expect((await trusted.getConfig(demo))._unsafeUnwrap()).toEqual(config);
      const refused = (await anonymous.getConfig(demo))._unsafeUnwrapErr();
      expect(refused.kind).toBe('Failed');
      expect(refused.message).toContain('TLS handshake failed');
    } finally {
      await Promise.all([trusted.close(), anonymous.close()]);
      await secure.stop();
    }
  }, 40_000);

  it('fails with Unavailable within a few seconds once etcd has stopped', async () => {
    const own = await startEtcd();
    const stopped = createEtcdNetworkStore({ hosts: own.url, timeoutMs: 2_000 });
    try {
      expect((await stopped.putConfig(demo, config))._unsafeUnwrap()).toEqual({ written: true });
      await own.stop();
      const elapsed = await timed(async () => expect((await stopped.deletePrefix(demo))._unsafeUnwrapErr()).toMatchObject({ kind: 'Unavailable' }));
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await stopped.close();
      await own.stop();
    }
  }, 40_000);
});
