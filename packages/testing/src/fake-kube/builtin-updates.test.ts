/**
 * Update validation of built-in kinds the fake models (a Secret's type, immutable Secrets and
 * ConfigMaps) through client-node, and a CEL refusal as the real kubectl prints it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchStrategy, setHeaderOptions, type CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, run, runs, sampleCluster, startWithCrds } from './fixtures.js';
import type { FakeKube } from './server.js';

let kube: FakeKube, core: CoreV1Api;
beforeAll(async () => {
  ({ kube, core } = await startWithCrds());
});
afterAll(() => kube.stop());

const namespace = 'default';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function status(write: Promise<unknown>): Promise<{ code: number; message: string; causes: unknown[] }> {
  const { code, message, details } = await apiFailure(write);
  return { code, message, causes: details?.causes ?? [] };
}

const tls = { 'tls.crt': Buffer.from('cert').toString('base64'), 'tls.key': Buffer.from('key').toString('base64') };

describe('Secret and ConfigMap updates', () => {
  it("refuses a change of a Secret's type, by patch or by a replace that leaves it out", async () => {
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: tls } });
    const patched = await status(core.patchNamespacedSecret({ namespace, name: 'tls', body: { type: 'Opaque' } }, merge));
    expect(patched).toEqual({
      code: 422,
      message: 'Secret "tls" is invalid: type: Invalid value: "Opaque": field is immutable',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "Opaque": field is immutable', field: 'type' }],
    });
    // without a type the replacement is defaulted to Opaque, which is a change too
    const replaced = await status(core.replaceNamespacedSecret({ namespace, name: 'tls', body: { metadata: { name: 'tls' }, data: tls } }));
    expect(replaced.message).toBe('Secret "tls" is invalid: type: Invalid value: "Opaque": field is immutable');
    const updated = await core.patchNamespacedSecret({ namespace, name: 'tls', body: { data: { 'ca.crt': Buffer.from('ca').toString('base64') } } }, merge);
    expect(updated.type).toBe('kubernetes.io/tls');
  });

  it('keeps the data of an immutable Secret or ConfigMap, and keeps it immutable', async () => {
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'frozen' }, immutable: true, data: { a: 'YQ==' } } });
    const secret = await status(core.patchNamespacedSecret({ namespace, name: 'frozen', body: { data: { a: 'Yg==' }, immutable: false } }, merge));
    expect(secret.message).toBe(
      'Secret "frozen" is invalid: [immutable: Forbidden: field is immutable when `immutable` is set, data: Forbidden: field is immutable when `immutable` is set]',
    );
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'frozen' }, immutable: true, data: { a: '1' } } });
    const map = await status(core.patchNamespacedConfigMap({ namespace, name: 'frozen', body: { data: { a: '2' } } }, merge));
    expect(map.causes).toEqual([{ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' }]);
    const labelled = await core.patchNamespacedConfigMap({ namespace, name: 'frozen', body: { metadata: { labels: { a: 'b' } } } }, merge);
    expect(labelled.metadata?.labels).toEqual({ a: 'b' });
  });
});

const hasKubectl = runs('kubectl', 'version', '--client');

describe.skipIf(!hasKubectl)('a CEL refusal through kubectl', () => {
  it('prints the rule message for a change of a fixed field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-kube-cel-'));
    try {
      writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfigYaml);
      const args = ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache')];
      writeFileSync(join(dir, 'cluster.json'), JSON.stringify(sampleCluster('fixed')));
      await run('kubectl', [...args, 'create', '-f', join(dir, 'cluster.json')], { timeout: 15_000 });
      const patch = run('kubectl', [...args, 'patch', 'kc', 'fixed', '--type', 'merge', '-p', '{"spec":{"network":{"podCIDR":"10.3.0.0/16"}}}'], {
        timeout: 15_000,
      });
      const error = (await patch.then(
        () => undefined,
        (e: { stderr: string }) => e,
      )) as { stderr: string } | undefined;
      expect(error?.stderr).toBe('The Cluster "fixed" is invalid: spec.network.podCIDR: Invalid value: "string": spec.network.podCIDR is immutable\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
