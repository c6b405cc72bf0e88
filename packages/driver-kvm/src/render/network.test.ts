import { Label } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { renderDisruptionBudgets } from './disruption-budgets.js';
import { flannelNetworkConfig, renderFlannelDaemonSet } from './flannel.js';
import { renderApiIngress } from './ingress.js';
import { renderNetworkPolicy } from './namespace.js';
import { bridgeName, MAX_INTERFACE_NAME, tapName } from './names.js';
import { renderEndpointSlice, renderServices } from './services.js';
import { haCluster, sampleCluster } from './test-fixtures.js';

const cluster = haCluster();

describe('the API ingress', () => {
  it('passes TLS through to Service master on securePort', () => {
    const ingress = renderApiIngress(cluster);
    expect(ingress.metadata?.annotations).toEqual({ 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' });
    expect(ingress.spec?.ingressClassName).toBe('public');
    expect(ingress.spec?.tls).toBeUndefined();
    expect(ingress.spec?.rules).toEqual([
      { host: 'api.prod.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'master', port: { number: 6443 } } } }] } },
    ]);
    expect(renderApiIngress(sampleCluster()).spec?.ingressClassName).toBe('nginx');
  });
});

describe('Services and EndpointSlices', () => {
  it('renders selector-less master and worker Services', () => {
    const [master, worker] = renderServices(cluster);
    expect(master?.metadata?.name).toBe('master');
    expect(master?.spec).toEqual({ type: 'ClusterIP', ports: [{ name: 'api', port: 6443, targetPort: 6443, protocol: 'TCP' }] });
    expect(worker?.spec?.selector).toBeUndefined();
    expect(worker?.spec?.ports?.map((p) => `${p.name}:${p.port}`)).toEqual(['http:80', 'https:443', 'ssh:22']);
  });

  it('renders an EndpointSlice of VM addresses, sorted by node', () => {
    const slice = renderEndpointSlice(
      cluster,
      'master',
      [
        { node: 'prod-master-1', ip: '10.1.7.6' },
        { node: 'prod-master-0', ip: '10.1.7.2', ready: false },
      ],
      'discovery.k8s.io/v1',
    );
    expect(slice.metadata.labels).toMatchObject({
      'kubernetes.io/service-name': 'master',
      'endpointslice.kubernetes.io/managed-by': 'kvm-operator.kubeception.io',
      [Label.Cluster]: 'prod',
    });
    expect(slice.endpoints).toEqual([
      { addresses: ['10.1.7.2'], hostname: 'prod-master-0', conditions: { ready: false } },
      { addresses: ['10.1.7.6'], hostname: 'prod-master-1', conditions: { ready: true } },
    ]);
    expect(slice.ports).toEqual([{ name: 'api', port: 6443, protocol: 'TCP' }]);
    expect(renderEndpointSlice(cluster, 'worker', [], 'discovery.k8s.io/v1').endpoints).toEqual([]);
  });

  it('renders the same EndpointSlice at discovery.k8s.io/v1beta1 for an older host, but its apiVersion', () => {
    const endpoints = [{ node: 'prod-pool-0', ip: '10.1.7.9' }];
    const { apiVersion, ...beta } = renderEndpointSlice(cluster, 'worker', endpoints, 'discovery.k8s.io/v1beta1');
    const { apiVersion: current, ...v1 } = renderEndpointSlice(cluster, 'worker', endpoints, 'discovery.k8s.io/v1');
    expect([apiVersion, current]).toEqual(['discovery.k8s.io/v1beta1', 'discovery.k8s.io/v1']);
    expect(beta).toEqual(v1);
  });
});

describe('PodDisruptionBudgets', () => {
  it('allows one unavailable VM per pool', () => {
    expect(
      renderDisruptionBudgets(cluster, 'policy/v1').map((b) => [b.apiVersion, b.metadata?.name, b.spec?.maxUnavailable, b.spec?.selector?.matchLabels]),
    ).toEqual([
      ['policy/v1', 'prod-master', 1, { [Label.Cluster]: 'prod', [Label.Role]: 'master' }],
      ['policy/v1', 'prod-general', 1, { [Label.Cluster]: 'prod', [Label.Role]: 'worker', [Label.Pool]: 'general' }],
      ['policy/v1', 'prod-gpu', 1, { [Label.Cluster]: 'prod', [Label.Role]: 'worker', [Label.Pool]: 'gpu' }],
    ]);
  });

  it('renders the same budgets at policy/v1beta1 for an older host, but their apiVersion', () => {
    const beta = renderDisruptionBudgets(cluster, 'policy/v1beta1');
    expect(beta.map((b) => b.apiVersion)).toEqual(['policy/v1beta1', 'policy/v1beta1', 'policy/v1beta1']);
    expect(beta.map((b) => ({ ...b, apiVersion: 'policy/v1' }))).toEqual(renderDisruptionBudgets(cluster, 'policy/v1'));
  });
});

describe('NetworkPolicy', () => {
  it('admits only the namespace itself and the ingress controller’s namespace', () => {
    const policy = renderNetworkPolicy(cluster, 'ingress');
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }] }],
    });
  });
});

describe('flannel', () => {
  it('renders the network config from the allocation and subnetLen', () => {
    expect(flannelNetworkConfig(cluster, { network: '10.1.7.0/24', vni: 7 })).toEqual({
      Network: '10.1.7.0/24',
      SubnetLen: 30,
      Backend: { Type: 'vxlan', VNI: 7 },
    });
  });

  it('runs flanneld with the cluster prefix after creating the bridge', () => {
    const ds = renderFlannelDaemonSet(cluster, { etcdEndpoints: ['https://a:2379', 'https://b:2379'], etcdTlsSecretName: 'store-tls' })._unsafeUnwrap();
    const pod = ds.spec?.template.spec;
    expect(ds.metadata).toMatchObject({ name: 'flannel', namespace: 'prod-azg2vajira' });
    expect(pod?.hostNetwork).toBe(true);
    expect(pod?.nodeSelector).toEqual({ 'kubeception.io/vm-host': 'true' });
    expect(pod?.initContainers?.[0]?.command?.[2]).toBe(
      'ip link show br-d6c18381e512 >/dev/null 2>&1 || ip link add br-d6c18381e512 type bridge; ip link set br-d6c18381e512 up',
    );
    expect(bridgeName(cluster.id)).toBe('br-d6c18381e512');
    expect(pod?.containers[0]?.args).toEqual([
      '--etcd-endpoints=https://a:2379,https://b:2379',
      '--etcd-prefix=/kubeception/prod-azg2vajira/network',
      '--subnet-file=/run/flannel/subnet.env',
      '--ip-masq=false',
      '--etcd-certfile=/etc/flannel/etcd/tls.crt',
      '--etcd-keyfile=/etc/flannel/etcd/tls.key',
      '--etcd-cafile=/etc/flannel/etcd/ca.crt',
    ]);
    expect(pod?.volumes?.[0]).toEqual({ name: 'run', hostPath: { path: '/run/flannel/prod-azg2vajira', type: 'DirectoryOrCreate' } });
  });

  it('keeps interface names within the kernel limit', () => {
    expect([bridgeName('a-bcdefghijk'), tapName('a-bcdefghij')]).toEqual(['br-a-bcdefghijk', 'tap-a-bcdefghij']);
    const long = 'a-very-long-cluster-name-of-forty-chars1';
    expect(bridgeName(long)).toMatch(/^br-[0-9a-f]{12}$/);
    expect(tapName(long)).toMatch(/^tap-[0-9a-f]{11}$/);
    expect(bridgeName(long).length).toBeLessThanOrEqual(MAX_INTERFACE_NAME);
    expect(bridgeName(long)).toBe(bridgeName(long));
  });
});
