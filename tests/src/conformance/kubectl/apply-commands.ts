/**
 * The matrix's `apply` commands on a ConfigMap and on a custom object (a Certificate): client-side,
 * server-side, and the client→server migration, which must lose nothing and hand the fields to
 * the server-side manager (a later apply without a field removes it).
 */
import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, type KubeClient } from '@kubeception/sdk/kube';
import { expect } from 'vitest';
import { certificate } from '../target.js';
import { configMap, printed, read, type MatrixCommand } from './fixtures.js';
import type { KubectlSession } from './session.js';

interface Subject {
  /** How kubectl names it (`configmap`, `certificate.kubeception.io`). */
  readonly printedAs: string;
  /** Its manifest, named `name`, with or without its optional field. */
  manifest(k: KubectlSession, name: string, full: boolean): object;
  /** The part compared after each apply (with or without the optional field). */
  content(kube: KubeClient, k: KubectlSession, name: string): Promise<unknown>;
  expected(full: boolean): unknown;
}

const CONFIG_MAP: Subject = {
  printedAs: 'configmap',
  manifest: (_k, name, full) => configMap(name, full ? { a: '1', b: '2' } : { a: '1' }),
  content: async (kube, k, name) => (await read<{ data?: object }>(kube, ConfigMapResource, k, name)).data,
  expected: (full) => (full ? { a: '1', b: '2' } : { a: '1' }),
};

const CERTIFICATE: Subject = {
  printedAs: 'certificate.kubeception.io',
  manifest: (k, name, full) => {
    const { metadata, spec, ...rest } = certificate(name, k.namespace, full ? { spec: { dnsNames: ['api.demo.local'] } } : {});
    return { ...rest, metadata: { name: metadata.name }, spec };
  },
  content: async (kube, k, name) => (await read<{ spec: { commonName: string; dnsNames?: string[] } }>(kube, CertificateResource, k, name)).spec,
  expected: (full) => expect.objectContaining({ commonName: 'api.demo', dnsNames: full ? ['api.demo.local'] : [] }),
};

const owners = async (kube: KubeClient, k: KubectlSession, resource: Parameters<KubeClient['resource']>[0], name: string) =>
  (await read<{ metadata: { managedFields?: { manager: string; operation: string }[] } }>(kube, resource, k, name)).metadata.managedFields
    ?.map((f) => `${f.manager}/${f.operation}`)
    .sort();

function applyCases(what: string, subject: Subject, resource: Parameters<KubeClient['resource']>[0], stem: string): MatrixCommand[] {
  const applied = (name: string, how: string) => printed(`${subject.printedAs}/${name} ${how}\n`);
  return [
    {
      name: `apply (client-side) ${what}`,
      async run(k, kube) {
        const file = k.file(`${stem}-csa.yaml`, subject.manifest(k, `${stem}-csa`, true));
        expect(await k.run('apply', '-f', file)).toEqual(applied(`${stem}-csa`, 'created'));
        expect(await k.run('apply', '-f', file)).toEqual(applied(`${stem}-csa`, 'unchanged'));
        expect(await subject.content(kube, k, `${stem}-csa`)).toEqual(subject.expected(true));
      },
    },
    {
      name: `apply --server-side ${what}`,
      async run(k, kube) {
        const file = k.file(`${stem}-ssa.yaml`, subject.manifest(k, `${stem}-ssa`, true));
        expect(await k.run('apply', '--server-side', '-f', file)).toEqual(applied(`${stem}-ssa`, 'serverside-applied'));
        expect(await subject.content(kube, k, `${stem}-ssa`)).toEqual(subject.expected(true));
        expect(await owners(kube, k, resource, `${stem}-ssa`)).toEqual(['kubectl/Apply']);
      },
    },
    {
      name: `apply client→server migration ${what}`,
      async run(k, kube) {
        const name = `${stem}-migrated`;
        expect(await k.run('apply', '-f', k.file(`${name}.yaml`, subject.manifest(k, name, true)))).toEqual(applied(name, 'created'));
        const serverSide = k.file(`${name}.yaml`, subject.manifest(k, name, true));
        expect(await k.run('apply', '--server-side', '-f', serverSide)).toEqual(applied(name, 'serverside-applied'));
        expect(await subject.content(kube, k, name)).toEqual(subject.expected(true));
        expect(await owners(kube, k, resource, name)).toEqual(['kubectl-last-applied/Apply', 'kubectl/Apply']);
        // the migrated fields belong to the server-side manager: applying without one removes it
        expect(await k.run('apply', '--server-side', '-f', k.file(`${name}.yaml`, subject.manifest(k, name, false)))).toEqual(
          applied(name, 'serverside-applied'),
        );
        expect(await subject.content(kube, k, name)).toEqual(subject.expected(false));
      },
    },
  ];
}

/** `apply` client-side, server-side and migrated, on a ConfigMap and on a Certificate. */
export const applyCommands: MatrixCommand[] = [
  ...applyCases('ConfigMap', CONFIG_MAP, ConfigMapResource, 'cm'),
  ...applyCases('custom object', CERTIFICATE, CertificateResource, 'cert'),
];
