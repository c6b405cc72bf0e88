import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function tempYaml(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kubeception-cli-')), 'object.yaml');
  writeFileSync(file, text);
  return file;
}

const CERT = `apiVersion: kubeception.io/v1alpha1
kind: Certificate
metadata: { name: demo-admin }
spec: { clusterRef: { name: demo }, component: admin, role: admin, commonName: admin, organizations: ["system:masters"] }
`;

describe('kubeception CLI', () => {
  it('prints the three CRDs as YAML', async () => {
    const { code, out } = await run(['crds']);
    expect(code).toBe(0);
    const docs = parseAllDocuments(out).map((d) => d.toJS() as { kind: string; spec: { group: string } });
    expect(docs.map((d) => [d.kind, d.spec.group])).toEqual(Array(3).fill(['CustomResourceDefinition', 'kubeception.io']));
  });

  it('validates files and reports each issue with its path', async () => {
    const good = await run(['validate', tempYaml(CERT)]);
    expect(good).toMatchObject({ code: 0, err: '' });
    expect(good.out).toContain('Certificate demo-admin is valid');

    const bad = await run(['validate', tempYaml(CERT.replace('role: admin', 'role: Admin'))]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('spec.role: must consist of lower case alphanumeric characters');
  });

  it('fails clearly on a provider module that cannot be loaded', async () => {
    const { code, err } = await run(['crds', '--provider', '@kubeception/no-such-driver']);
    expect(code).toBe(2);
    expect(err).toContain('cannot load provider module @kubeception/no-such-driver');
  });

  it('prints usage for no command, and an error for an unknown one', async () => {
    expect((await run([])).code).toBe(2);
    expect(await run(['--help'])).toMatchObject({ code: 0 });
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') });
  });

  it('works as the installed `kubeception` bin', () => {
    const bin = fileURLToPath(new URL('../bin/kubeception.js', import.meta.url));
    const result = spawnSync(process.execPath, [bin, 'crds'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const kinds = parseAllDocuments(result.stdout).map((d) => (d.toJS() as { spec: { names: { kind: string } } }).spec.names.kind);
    expect(kinds).toEqual(['Cluster', 'CertificateAuthority', 'Certificate']);
  }, 30_000);
});
