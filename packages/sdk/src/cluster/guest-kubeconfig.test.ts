import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { testCluster } from './cluster.test-support.js';
import { guestKubeconfigSecret, renderGuestKubeconfig } from './guest-kubeconfig.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const admin = { 'tls.crt': b64('CERT'), 'tls.key': b64('KEY'), 'ca.crt': b64('CA') };
const cluster = testCluster;

/** The kubeconfig in a Secret's data. */
const kubeconfigOf = (secret: { data?: Record<string, string> }) =>
  parse(Buffer.from(secret.data?.value ?? '', 'base64').toString('utf8')) as Record<string, unknown>;

describe('renderGuestKubeconfig', () => {
  it("names the cluster, user and context as Cluster API does, with the admin certificate's data as it is", () => {
    const config = parse(
      renderGuestKubeconfig({ cluster: 'demo', server: 'https://api.demo.example.com:443', caData: 'Q0E=', certData: 'Q0VSVA==', keyData: 'S0VZ' }),
    );
    expect(config).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'demo', cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://api.demo.example.com:443' } }],
      contexts: [{ name: 'demo-admin@demo', context: { cluster: 'demo', user: 'demo-admin' } }],
      'current-context': 'demo-admin@demo',
      preferences: {},
      users: [{ name: 'demo-admin', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } }],
    });
  });
});

describe('guestKubeconfigSecret', () => {
  it('is <cluster>-kubeconfig of type cluster.x-k8s.io/secret, labelled with the Cluster, controlled by it, the kubeconfig under value', () => {
    const secret = guestKubeconfigSecret(cluster, { host: 'api.demo.example.com', port: 443 }, admin);
    expect(secret).toMatchObject({
      type: 'cluster.x-k8s.io/secret',
      metadata: {
        name: 'demo-kubeconfig',
        namespace: 'team-a',
        labels: { 'cluster.x-k8s.io/cluster-name': 'demo', 'kubeception.io/cluster': 'demo' },
        ownerReferences: [
          { apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', name: 'demo', uid: 'uid-demo', controller: true, blockOwnerDeletion: true },
        ],
      },
    });
    expect(Object.keys(secret.data ?? {})).toEqual(['value']);
    expect(kubeconfigOf(secret)).toMatchObject({
      clusters: [{ cluster: { server: 'https://api.demo.example.com:443', 'certificate-authority-data': admin['ca.crt'] } }],
      users: [{ user: { 'client-certificate-data': admin['tls.crt'], 'client-key-data': admin['tls.key'] } }],
    });
  });

  it('verifies the server against the API domain when the endpoint is an address (an IPv6 one in brackets)', () => {
    const clusters = (host: string) => kubeconfigOf(guestKubeconfigSecret(cluster, { host, port: 6443 }, admin)).clusters;
    expect(clusters('203.0.113.7')).toEqual([
      {
        name: 'demo',
        cluster: { 'certificate-authority-data': admin['ca.crt'], server: 'https://203.0.113.7:6443', 'tls-server-name': 'api.demo.example.com' },
      },
    ]);
    expect(clusters('2001:db8::7')).toMatchObject([{ cluster: { server: 'https://[2001:db8::7]:6443', 'tls-server-name': 'api.demo.example.com' } }]);
  });
});
