/** The matrix's commands that change or follow objects: diff, patch (four ways), label, annotate, wait, `get -w`, delete. */
import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, DeploymentResource } from '@kubeception/sdk/kube';
import { expect } from 'vitest';
import { configMap, printed, read, seedCertificate, seedConfigMap, type MatrixCommand } from './fixtures.js';

const READY = { type: 'Ready', status: 'True', reason: 'Issued', message: 'issued', lastTransitionTime: '2024-01-01T00:00:00Z' };
const dataOf = async (...args: Parameters<typeof read>) => (await read<{ data?: object }>(...args)).data;

const patchCommands: MatrixCommand[] = [
  {
    name: 'patch --type=merge',
    async run(k, kube) {
      await seedConfigMap(kube, k, 'merge', { a: '1', b: '2' });
      expect(await k.run('patch', 'configmap', 'merge', '--type=merge', '-p', '{"data":{"a":null,"c":"3"}}')).toEqual(printed('configmap/merge patched\n'));
      expect(await k.run('patch', 'configmap', 'merge', '--type=merge', '-p', '{"data":{"c":"3"}}')).toEqual(printed('configmap/merge patched (no change)\n'));
      expect(await dataOf(kube, ConfigMapResource, k, 'merge')).toEqual({ b: '2', c: '3' });
    },
  },
  {
    name: 'patch --type=json',
    async run(k, kube) {
      await seedConfigMap(kube, k, 'json', { a: '1' });
      const ops = '[{"op":"add","path":"/data/b","value":"2"},{"op":"test","path":"/data/a","value":"1"}]';
      expect(await k.run('patch', 'configmap', 'json', '--type=json', '-p', ops)).toEqual(printed('configmap/json patched\n'));
      expect(await dataOf(kube, ConfigMapResource, k, 'json')).toEqual({ a: '1', b: '2' });
    },
  },
  {
    name: 'patch --type=strategic',
    async run(k, kube) {
      expect((await k.run('create', 'deployment', 'strategic', '--image=nginx:1.25')).code).toBe(0);
      const patch = '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}';
      expect(await k.run('patch', 'deployment', 'strategic', '--type=strategic', '-p', patch)).toEqual(printed('deployment.apps/strategic patched\n'));
      const patched = await read<{ spec: { template: { spec: { containers: { name: string; image: string }[] } } } }>(kube, DeploymentResource, k, 'strategic');
      expect(patched.spec.template.spec.containers.map(({ name, image }) => ({ name, image }))).toEqual([{ name: 'nginx', image: 'nginx:1.27' }]);
    },
  },
  {
    name: 'patch --subresource=status',
    async run(k, kube) {
      await seedCertificate(kube, k, 'status');
      const patch = JSON.stringify({ status: { conditions: [READY] } });
      expect(await k.run('patch', 'certificate', 'status', '--subresource=status', '--type=merge', '-p', patch)).toEqual(
        printed('certificate.kubeception.io/status patched\n'),
      );
      expect((await read<{ status?: object }>(kube, CertificateResource, k, 'status')).status).toMatchObject({ conditions: [READY] });
    },
  },
];

const metadataCommands: MatrixCommand[] = [
  {
    name: 'label',
    async run(k, kube) {
      await seedConfigMap(kube, k, 'labelled');
      expect(await k.run('label', 'configmap', 'labelled', 'tier=web', 'zone=a')).toEqual(printed('configmap/labelled labeled\n'));
      expect(await k.run('label', 'configmap', 'labelled', 'zone-')).toEqual(printed('configmap/labelled unlabeled\n'));
      const refused = await k.run('label', 'configmap', 'labelled', 'tier=api');
      expect(refused).toEqual({ code: 1, stdout: '', stderr: "error: 'tier' already has a value (web), and --overwrite is false\n" });
      expect((await read<{ metadata: { labels?: object } }>(kube, ConfigMapResource, k, 'labelled')).metadata.labels).toEqual({ tier: 'web' });
    },
  },
  {
    name: 'annotate',
    async run(k, kube) {
      await seedConfigMap(kube, k, 'annotated');
      // kubectl 1.27 prints the verb as it is; 1.28 and later as a past participle (a client change, whatever the server)
      const verb = k.minor < 28 ? 'annotate' : 'annotated';
      expect(await k.run('annotate', 'configmap', 'annotated', 'note=hello world')).toEqual(printed(`configmap/annotated ${verb}\n`));
      expect((await read<{ metadata: { annotations?: object } }>(kube, ConfigMapResource, k, 'annotated')).metadata.annotations).toEqual({
        note: 'hello world',
      });
    },
  },
];

const followCommands: MatrixCommand[] = [
  {
    name: 'wait',
    async run(k, kube) {
      await seedCertificate(kube, k, 'waited');
      const ready = k.run('wait', '--for=condition=Ready', 'certificate/waited', '--timeout=15s');
      (
        await kube.resource(CertificateResource).patchStatus('waited', { type: 'merge', body: { status: { conditions: [READY] } } }, { namespace: k.namespace })
      )._unsafeUnwrap();
      expect(await ready).toEqual(printed('certificate.kubeception.io/waited condition met\n'));
      await seedConfigMap(kube, k, 'waited', { a: '1' });
      expect(await k.run('wait', '--for=jsonpath={.data.a}=1', 'configmap/waited', '--timeout=15s')).toEqual(printed('configmap/waited condition met\n'));
      const gone = k.run('wait', '--for=delete', 'configmap/waited', '--timeout=15s');
      (await kube.resource(ConfigMapResource).delete('waited', { namespace: k.namespace }))._unsafeUnwrap();
      expect((await gone).code).toBe(0);
      expect(await k.run('wait', '--for=condition=Ready', 'certificate/missing', '--timeout=2s')).toEqual({
        code: 1,
        stdout: '',
        stderr: 'Error from server (NotFound): certificates.kubeception.io "missing" not found\n',
      });
    },
  },
  {
    name: 'get -w',
    async run(k, kube) {
      await seedConfigMap(kube, k, 'watched', { a: '1' });
      const change = async () => {
        (await kube.resource(ConfigMapResource).patch('watched', { type: 'merge', body: { data: { b: '2' } } }, { namespace: k.namespace }))._unsafeUnwrap();
      };
      // kubectl prints the object it got, then watches from "0" and drops the watch's first event (the object again):
      // a change before the server has accepted the watch is never printed, on any server
      const args = ['get', 'configmap', 'watched', '-w', '--output-watch-events', '--request-timeout=4s'];
      const watched = await k.stream(args, /watch=true[^\n]*200 OK/, change);
      expect(watched).toEqual(printed('EVENT      NAME      DATA   AGE\nADDED      watched   1      <age>\nMODIFIED   watched   2      <age>\n'));
    },
  },
  {
    name: 'delete',
    async run(k, kube) {
      await seedConfigMap(kube, k, 'deleted');
      expect(await k.run('delete', 'configmap', 'deleted')).toEqual(printed('configmap "deleted" deleted\n'));
      expect(await k.run('delete', 'configmap', 'deleted')).toEqual({
        code: 1,
        stdout: '',
        stderr: 'Error from server (NotFound): configmaps "deleted" not found\n',
      });
      expect(await k.run('delete', 'configmap', 'deleted', '--ignore-not-found')).toEqual(printed(''));
    },
  },
  {
    name: 'diff',
    async run(k) {
      const file = k.file('diffed.yaml', configMap('diffed', { a: '1' }));
      expect((await k.run('apply', '-f', file)).code).toBe(0);
      expect(await k.run('diff', '-f', file)).toEqual(printed(''));
      const changed = await k.run('diff', '-f', k.file('diffed.yaml', configMap('diffed', { a: '2' })));
      expect(changed.code).toBe(1);
      expect(changed.stdout).toMatch(/^- {2}a: "1"$/m);
      expect(changed.stdout).toMatch(/^\+ {2}a: "2"$/m);
    },
  },
];

/** Commands that change or follow objects. */
export const changeCommands: MatrixCommand[] = [...patchCommands, ...metadataCommands, ...followCommands];
