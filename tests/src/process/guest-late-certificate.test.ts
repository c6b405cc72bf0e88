/**
 * The VM simulator's guests under restarts of the kvm-operator: a VM pod may run before the copy
 * of its Cluster's `api` certificate Secret is in the host namespace (the driver, killed between
 * the two, creates the copy on its next run; a real kubelet would hold the pod until then). The
 * guest's API server then starts once the Secret is there, and the TLS passthrough routes its
 * name to it, and the VM registers its Node there (seen failing in kvm-operator-sigkill.e2e.test.ts:
 * the guest never started, then its Nodes never came).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvmAnnotation, KvmComponent, KvmLabel } from '@kubeception/driver-kvm';
import { Label } from '@kubeception/sdk';
import { NodeResource } from '@kubeception/sdk/kube';
import { startSimulatedHost, startVmSimulator } from '@kubeception/testing';
import { AppsV1Api, CoreV1Api, type V1Deployment } from '@kubernetes/client-node';
import { expect, it } from 'vitest';

const DOMAIN = 'api.demo.k8s.example.com';

/** A CA and a serving certificate for {@link DOMAIN}, as a `kubernetes.io/tls` Secret's data (openssl). */
function servingSecretData(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'kc-guest-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=demo-ca', '-days', '1');
    openssl('req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', `/CN=${DOMAIN}`);
    writeFileSync(join(dir, 'ext'), `subjectAltName=DNS:${DOMAIN}\n`);
    openssl('x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '1', '-extfile', 'ext');
    return Object.fromEntries(['tls.crt', 'tls.key', 'ca.crt'].map((file) => [file, readFileSync(join(dir, file)).toString('base64')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The master VM Deployment of Cluster `demo`, labelled as the driver labels it. */
const labels = { [Label.Cluster]: 'demo', [Label.Role]: 'master', [KvmLabel.Node]: 'demo-master-0' };
const vmDeployment: V1Deployment = {
  metadata: { name: 'demo-master-0', labels },
  spec: {
    replicas: 1,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels: { ...labels, [KvmLabel.Component]: KvmComponent.Vm }, annotations: { [KvmAnnotation.KubernetesVersion]: '1.33.1' } },
      spec: { containers: [{ name: 'launcher', image: 'registry.example/qemu-launcher:1' }] },
    },
  },
};

it('starts a guest whose api certificate Secret comes after its VM pod runs', async () => {
  const host = await startSimulatedHost({ nodes: 1 });
  const vms = await startVmSimulator(host, { guestTls: true });
  try {
    const core = host.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'demo' } } });
    await host.kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: 'demo', body: vmDeployment });
    // the VM runs; its guest cannot start without the certificate
    await expect.poll(() => vms.failures().filter((f) => f.component === 'vm-simulator/guest').length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(vms.guestAddressByServerName(DOMAIN)).toBeUndefined();
    const secret = { metadata: { name: 'demo-api', labels: { [Label.Cluster]: 'demo' } }, type: 'kubernetes.io/tls', data: servingSecretData() };
    await core.createNamespacedSecret({ namespace: 'demo', body: secret });
    await expect.poll(() => vms.guestAddressByServerName(DOMAIN), { timeout: 10_000 }).toBeDefined();
    expect(vms.clusters()).toEqual(['demo']);
    // and its VM registers its Node there, Ready
    const nodes = async () =>
      ((await vms.guest('demo')?.localClient().resource(NodeResource).list())?._unsafeUnwrap().items ?? []).map(
        (n) => `${n.metadata?.name} ${n.status?.conditions?.find((c) => c.type === 'Ready')?.status}`,
      );
    await expect.poll(nodes, { timeout: 10_000 }).toEqual(['demo-master-0 True']);
  } finally {
    await vms.stop();
    await host.stop();
  }
}, 30_000);
