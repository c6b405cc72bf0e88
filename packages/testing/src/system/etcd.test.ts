import { describe, expect, it } from 'vitest';
import { etcdArgs } from './etcd.js';

describe('etcdArgs', () => {
  const spec = { url: 'http://127.0.0.1:1', peerUrl: 'http://127.0.0.1:2', dataDir: '/tmp/x/data' };

  it('makes a one-member cluster listening and advertising on the given URLs, logging to stderr', () => {
    expect(etcdArgs(spec)).toEqual([
      '--name=default',
      '--data-dir=/tmp/x/data',
      '--listen-client-urls=http://127.0.0.1:1',
      '--advertise-client-urls=http://127.0.0.1:1',
      '--listen-peer-urls=http://127.0.0.1:2',
      '--initial-advertise-peer-urls=http://127.0.0.1:2',
      '--initial-cluster=default=http://127.0.0.1:2',
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-outputs=stderr',
    ]);
  });

  it('with TLS files, requires client certificates signed by the CA', () => {
    const args = etcdArgs({ ...spec, tls: { caCert: '/d/ca.crt', serverCert: '/d/server.crt', serverKey: '/d/server.key' } });
    expect(args.slice(0, 4)).toEqual(['--trusted-ca-file=/d/ca.crt', '--cert-file=/d/server.crt', '--key-file=/d/server.key', '--client-cert-auth']);
    expect(args.slice(4)).toEqual(etcdArgs(spec));
  });
});
