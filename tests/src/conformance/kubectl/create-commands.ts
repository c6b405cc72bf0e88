/** The matrix's `create` commands: the typed generators of kubectl for all four kinds. */
import { ConfigMapResource, DeploymentResource, NamespaceResource, SecretResource } from '@kubeception/sdk/kube';
import { expect } from 'vitest';
import { printed, read, type MatrixCommand } from './fixtures.js';

/** `create namespace|configmap|deployment|secret generic`. */
export const createCommands: MatrixCommand[] = [
  {
    name: 'create namespace',
    async run(k, kube) {
      const name = `${k.namespace}-made`;
      expect(await k.run('create', 'namespace', name)).toEqual(printed('namespace/<ns>-made created\n'));
      expect((await kube.resource(NamespaceResource).get(name))._unsafeUnwrap().status?.phase).toBe('Active');
      (await kube.resource(NamespaceResource).delete(name))._unsafeUnwrap();
    },
  },
  {
    name: 'create configmap',
    async run(k, kube) {
      expect(await k.run('create', 'configmap', 'made', '--from-literal=a=1', '--from-literal=b=2')).toEqual(printed('configmap/made created\n'));
      expect((await read<{ data: object }>(kube, ConfigMapResource, k, 'made')).data).toEqual({ a: '1', b: '2' });
    },
  },
  {
    name: 'create deployment',
    async run(k, kube) {
      expect(await k.run('create', 'deployment', 'made', '--image=nginx:1.25', '--replicas=2', '--port=80')).toEqual(printed('deployment.apps/made created\n'));
      const made = await read<{ spec: { replicas: number; selector: object; template: { spec: { containers: object[] } } } }>(
        kube,
        DeploymentResource,
        k,
        'made',
      );
      expect(made.spec.replicas).toBe(2);
      expect(made.spec.selector).toEqual({ matchLabels: { app: 'made' } });
      expect(made.spec.template.spec.containers).toMatchObject([{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] }]);
    },
  },
  {
    name: 'create secret generic',
    async run(k, kube) {
      expect(await k.run('create', 'secret', 'generic', 'made', '--from-literal=password=s3cret')).toEqual(printed('secret/made created\n'));
      const made = await read<{ data: object; type: string }>(kube, SecretResource, k, 'made');
      expect(made).toMatchObject({ type: 'Opaque', data: { password: Buffer.from('s3cret').toString('base64') } });
    },
  },
];
