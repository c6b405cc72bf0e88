/**
 * kubectl against the fake's OpenAPI documents: 1.27 and 1.28 read `/openapi/v2` as gnostic
 * protobuf before any `apply` (and compute strategic merge patches from its extensions); `explain`
 * reads the v3 documents. Skipped when the versioned binaries (`kubectl.1.27` … beside the
 * google-cloud-sdk `kubectl` dispatcher) are missing.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { kubeceptionCrds } from '@kubeception/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run, sampleCluster } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

/** The folder of the versioned kubectl binaries: where the `kubectl` on PATH really lives, or google-cloud-sdk's. */
function kubectlFolder(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    if (existsSync(candidate) && existsSync(join(dirname(realpathSync(candidate)), 'kubectl.1.27'))) return dirname(realpathSync(candidate));
  }
  return '/usr/lib/google-cloud-sdk/bin';
}

const folder = kubectlFolder();
const VERSIONS = ['1.27', '1.28', '1.33'] as const;
const present = VERSIONS.every((v) => existsSync(join(folder, `kubectl.${v}`)));

const configMap = (value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: value } });
const deployment = (env: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: ['a', 'b'].map((name) => ({ name, image: 'nginx', env: [{ name: 'MODE', value: name === 'a' ? env : 'fixed' }] })) },
    },
  },
});

describe.skipIf(!present)(
  present ? 'kubectl and the OpenAPI documents' : `kubectl and the OpenAPI documents (skipped: no kubectl.1.27/1.28/1.33 in ${folder})`,
  () => {
    let kube: FakeKube;
    let dir: string;
    const kubectl = async (version: (typeof VERSIONS)[number], ...args: string[]) =>
      (
        await run(join(folder, `kubectl.${version}`), ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, `cache-${version}`), ...args], {
          timeout: 30_000,
        })
      ).stdout;
    const file = (name: string, object: object) => {
      writeFileSync(join(dir, name), stringify(object));
      return join(dir, name);
    };

    beforeAll(async () => {
      kube = await startFakeKube({ crds: kubeceptionCrds() });
      dir = mkdtempSync(join(tmpdir(), 'fake-kube-openapi-'));
      writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfigYaml);
    });
    afterAll(async () => {
      await kube.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('kubectl 1.27 applies a ConfigMap and a Cluster client-side, reading /openapi/v2 as protobuf', async () => {
      expect(await kubectl('1.27', 'apply', '-f', file('cm.yaml', configMap('a')))).toBe('configmap/settings created\n');
      expect(await kubectl('1.27', 'apply', '-f', file('cm.yaml', configMap('a')))).toBe('configmap/settings unchanged\n');
      expect(await kubectl('1.27', 'apply', '-f', file('cm.yaml', configMap('b')))).toBe('configmap/settings configured\n');
      expect(await kubectl('1.27', 'apply', '-f', file('cluster.yaml', sampleCluster('demo')))).toBe('cluster.kubeception.io/demo created\n');
      expect(await kubectl('1.27', 'get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}')).toBe('b');
      const read = kube.requests.filter({}).filter((r) => r.url.startsWith('/openapi/v2') && r.userAgent.startsWith('kubectl.1.27/v1.27'));
      expect(read.map((r) => r.code)).toContain(200);
    });

    it('kubectl 1.28 applies a Deployment twice, merging containers by name as the published extensions say', async () => {
      expect(await kubectl('1.28', 'apply', '-f', file('web.yaml', deployment('one')))).toBe('deployment.apps/web created\n');
      expect(await kubectl('1.28', 'apply', '-f', file('web.yaml', deployment('two')))).toBe('deployment.apps/web configured\n');
      const env = await kubectl('1.28', 'get', 'deploy', 'web', '-o', 'jsonpath={range .spec.template.spec.containers[*]}{.name}={.env[0].value} {end}');
      expect(env).toBe('a=two b=fixed ');
      expect(await kubectl('1.28', 'apply', '-f', file('cm.yaml', configMap('b')))).toBe('configmap/settings unchanged\n');
    });

    it.each(['1.27', '1.33'] as const)('kubectl %s explains a built-in field and a custom resource field', async (version) => {
      const data = await kubectl(version, 'explain', 'configmap.data');
      expect(data).toContain('KIND:       ConfigMap\nVERSION:    v1\n');
      expect(data).toContain('FIELD: data <map[string]string>');
      expect(data).toMatch(/DESCRIPTION:\n {4}Data contains the configuration data\. Each key must consist of alphanumeric/);
      expect(await kubectl(version, 'explain', 'deployment.spec')).toMatch(/selector\t<LabelSelector> -required-\n/);
      const spec = await kubectl(version, 'explain', 'kc.spec');
      expect(spec).toContain('GROUP:      kubeception.io\nKIND:       Cluster\nVERSION:    v1alpha1\n');
      expect(spec).toContain('Desired state of a guest cluster.');
      expect(spec).toMatch(/masters\t<Object> -required-\n {4}The control plane nodes/);
    });
  },
);
