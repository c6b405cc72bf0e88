import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from './cli.js';

async function run(args: string[], io: Partial<CliIo> = {}) {
  let out = '';
  let err = '';
  const code = await main(args, { stdin: [], ...io, stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kubeception-cli-'));
}

function tempYaml(text: string, name = 'object.yaml'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

const CERT = `apiVersion: kubeception.io/v1alpha1
kind: Certificate
metadata: { name: demo-admin }
spec: { clusterRef: { name: demo }, component: admin, role: admin, commonName: admin, organizations: ["system:masters"] }
`;

const CLUSTER_EVEN_MASTERS = `apiVersion: kubeception.io/v1alpha1
kind: Cluster
metadata: { name: demo, namespace: default }
spec:
  provider: { kvm: { etcdStorage: { type: hostPath } } }
  kubernetes: { version: 1.33.1, api: { domain: api.demo.k8s.example.com } }
  ingress: { domain: demo.k8s.example.com }
  network: { podCIDR: 10.2.0.0/16 }
  masters: { replicas: 2, cpus: 2, memory: 4Gi, disk: 20Gi }
  workers: [{ name: default, replicas: 2, cpus: 2, memory: 4Gi, disk: 20Gi }]
`;

type CrdList = { apiVersion: string; kind: string; items: { spec: { names: { kind: string }; versions: { schema: { openAPIV3Schema: unknown } }[] } }[] };

function providerNames(list: CrdList): string[] {
  const schema = list.items[0]?.spec.versions[0]?.schema.openAPIV3Schema as {
    properties: { spec: { properties: { provider: { properties?: Record<string, unknown> } } } };
  };
  return Object.keys(schema.properties.spec.properties.provider.properties ?? {});
}

/** A lone line on stderr, the way a person should see a problem: no stack, no Node error code. */
function expectOneLine(err: string) {
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at |ENOENT|Error:/);
}

describe('kubeception crds', () => {
  it('prints the three CRDs as YAML', async () => {
    const { code, out } = await run(['crds']);
    expect(code).toBe(0);
    const docs = parseAllDocuments(out).map((d) => d.toJS() as { kind: string; spec: { group: string } });
    expect(docs.map((d) => [d.kind, d.spec.group])).toEqual(Array(3).fill(['CustomResourceDefinition', 'kubeception.io']));
  });

  it('prints them as a JSON v1 List with --output json / -o json', async () => {
    for (const flags of [['--output', 'json'], ['-o', 'json'], ['--output=json']]) {
      const { code, out } = await run(['crds', ...flags]);
      expect(code).toBe(0);
      const list = JSON.parse(out) as CrdList;
      expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
      expect(list.items.map((i) => i.spec.names.kind)).toEqual(['Cluster', 'CertificateAuthority', 'Certificate']);
    }
  });

  it('rejects an unknown format and --summary with json as usage errors', async () => {
    expect(await run(['crds', '-o', 'xml'])).toMatchObject({ code: 2, out: '', err: expect.stringContaining('--output must be yaml or json') });
    expect(await run(['crds', '--summary', '-o', 'json'])).toMatchObject({ code: 2, out: '' });
  });
});

describe('kubeception validate', () => {
  it('validates files and reports each issue with its document and path', async () => {
    const good = await run(['validate', tempYaml(CERT)]);
    expect(good).toMatchObject({ code: 0, err: '' });
    expect(good.out).toMatch(/✓ \S+object\.yaml#1 \(Certificate demo-admin\): valid\n/);

    const bad = await run(['validate', tempYaml(CERT.replace('role: admin', 'role: Admin'))]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/✗ \S+object\.yaml#1 \(Certificate demo-admin\): spec\.role: must consist of lower case alphanumeric characters/);
    expect(bad.out).toContain('1 document in 1 file: 0 valid, 1 invalid\n');
  });

  it('says which document of a multi-document file each finding is about', async () => {
    const file = tempYaml(`${CERT}---\n${CLUSTER_EVEN_MASTERS}`, 'cluster.yaml');
    const { code, out } = await run(['validate', file]);
    expect(code).toBe(1);
    expect(out).toContain(`✓ ${file}#1 (Certificate demo-admin): valid\n`);
    expect(out).toContain(`✗ ${file}#2 (Cluster default/demo): spec.masters.replicas: must be 1, 3 or 5`);
  });

  it('numbers documents as they stand in the file, skipping empty ones', async () => {
    const file = tempYaml(`---\n# only a comment\n---\n${CERT}`);
    expect((await run(['validate', file])).out).toContain(`${file}#2 (Certificate demo-admin): valid`);
  });

  it('shows files as the user named them, relative to the working directory', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cert.yaml'), CERT);
    const { code, out } = await run(['validate', 'cert.yaml'], { cwd: dir });
    expect(code).toBe(0);
    expect(out).toContain('✓ cert.yaml#1 (Certificate demo-admin): valid');
  });

  it('validates the .yaml and .yml files of a directory, in name order', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'b.yml'), CERT);
    writeFileSync(join(dir, 'a.yaml'), CERT);
    writeFileSync(join(dir, 'notes.txt'), 'not yaml: [');
    const { code, out } = await run(['validate', dir]);
    expect(code).toBe(0);
    expect(out.split('\n').filter((l) => l.startsWith('✓'))).toEqual([
      `✓ ${join(dir, 'a.yaml')}#1 (Certificate demo-admin): valid`,
      `✓ ${join(dir, 'b.yml')}#1 (Certificate demo-admin): valid`,
    ]);
  });

  it('reads standard input for -', async () => {
    const { code, out, err } = await run(['validate', '-'], { stdin: Readable.from([Buffer.from(CERT)]) });
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('✓ <stdin>#1 (Certificate demo-admin): valid');

    const invalid = await run(['validate', '-'], { stdin: [CERT, '---\n', CLUSTER_EVEN_MASTERS] });
    expect(invalid.code).toBe(1);
    expect(invalid.out).toContain('✗ <stdin>#2 (Cluster default/demo): spec.masters.replicas');
  });
});

describe('kubeception validate: inputs that cannot be read', () => {
  it('reports a missing file in one line, without a stack, and exits 2', async () => {
    const missing = join(tempDir(), 'missing.yaml');
    const { code, err } = await run(['validate', missing]);
    expect(code).toBe(2);
    expect(err).toBe(`error: ${missing}: cannot read: no such file or directory\n`);
    expectOneLine(err);
  });

  it('still validates the other inputs, and exit 2 wins over 1', async () => {
    const bad = tempYaml(CERT.replace('role: admin', 'role: Admin'));
    const { code, out, err } = await run(['validate', bad, 'nope.yaml'], { cwd: tempDir() });
    expect(code).toBe(2);
    expect(out).toContain('spec.role:');
    expect(out).toContain('1 input error (see stderr)');
    expect(err).toBe('error: nope.yaml: cannot read: no such file or directory\n');
  });

  it('reports an unreadable path and a directory without YAML in one line each', async () => {
    const file = tempYaml(CERT);
    const unreadable = await run(['validate', join(file, 'child.yaml')]);
    expect(unreadable).toMatchObject({ code: 2, err: `error: ${join(file, 'child.yaml')}: cannot read: a path component is not a directory\n` });

    const empty = tempDir();
    expect(await run(['validate', empty])).toMatchObject({ code: 2, err: `error: ${empty}: no .yaml or .yml file in this directory\n` });
  });

  it('reports bad YAML with its document number, line and column, and validates the other documents', async () => {
    const file = tempYaml(`${CERT}---\nb: [1\nc: 2\n`);
    const { code, out, err } = await run(['validate', file]);
    expect(code).toBe(2);
    expect(out).toContain(`✓ ${file}#1 (Certificate demo-admin): valid`);
    expect(err).toMatch(new RegExp(`^error: ${file}#2: not YAML at line 7, column 1: Flow sequence in block collection .*\\n$`));
    expectOneLine(err);
  });

  it('reports duplicate keys as bad YAML', async () => {
    const { code, err } = await run(['validate', '-'], { stdin: ['a: 1\na: 2\n'] });
    expect(code).toBe(2);
    expect(err).toBe('error: <stdin>#1: not YAML at line 2, column 1: Map keys must be unique\n');
  });
});

describe('kubeception validate --output json', () => {
  it('prints one entry per document and a summary', async () => {
    const file = tempYaml(`${CERT}---\n${CLUSTER_EVEN_MASTERS}`);
    const { code, out, err } = await run(['validate', '-o', 'json', file]);
    expect({ code, err }).toEqual({ code: 1, err: '' });
    const report = JSON.parse(out) as { documents: { errors: { path: string }[] }[] };
    expect(report).toEqual({
      documents: [
        { file, index: 1, kind: 'Certificate', namespace: null, name: 'demo-admin', valid: true, errors: [] },
        {
          file,
          index: 2,
          kind: 'Cluster',
          namespace: 'default',
          name: 'demo',
          valid: false,
          errors: [{ path: 'spec.masters.replicas', message: expect.stringContaining('must be 1, 3 or 5') }],
        },
      ],
      inputErrors: [],
      summary: { files: 1, documents: 2, valid: 1, invalid: 1, inputErrors: 0 },
    });
  });

  it('lists inputs that could not be read, and stdout stays valid JSON', async () => {
    const { code, out, err } = await run(['validate', '--output', 'json', 'missing.yaml', '-'], { cwd: tempDir(), stdin: ['a: [\n'] });
    expect(code).toBe(2);
    const report = JSON.parse(out) as { inputErrors: unknown[] };
    expect(report.inputErrors).toEqual([
      { kind: 'NotFound', file: 'missing.yaml', index: null, line: null, column: null, message: 'cannot read: no such file or directory' },
      { kind: 'NotYaml', file: '<stdin>', index: 1, line: expect.any(Number), column: expect.any(Number), message: expect.any(String) },
    ]);
    expect(err.trimEnd().split('\n')).toHaveLength(2);
  });

  it('rejects an unknown output format', async () => {
    expect(await run(['validate', '-o', 'yaml', 'x.yaml'])).toMatchObject({ code: 2, err: expect.stringContaining('--output must be text or json') });
  });
});

describe('kubeception --provider', () => {
  // A module that re-exports an existing provider, next to the user's files.
  function providerDir(): string {
    const dir = tempDir();
    const kvm = pathToFileURL(fileURLToPath(new URL('../../driver-kvm/src/provider-spec.ts', import.meta.url))).href;
    mkdirSync(join(dir, 'drivers'));
    writeFileSync(join(dir, 'drivers', 'kvm-only.mjs'), `export { provider } from ${JSON.stringify(kvm)};\n`);
    return dir;
  }

  it('resolves a relative module path against the working directory', async () => {
    const cwd = providerDir();
    const { code, out, err } = await run(['crds', '-o', 'json', '--provider', './drivers/kvm-only.mjs'], { cwd });
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(providerNames(JSON.parse(out) as CrdList)).toEqual(['kvm']);

    const viaDot = await run(['validate', '--provider', './drivers/kvm-only.mjs', '-'], { cwd, stdin: [CLUSTER_EVEN_MASTERS] });
    expect(viaDot.out).toContain('spec.masters.replicas');
  });

  it('fails in one line when the relative path is not under the working directory', async () => {
    const { code, err } = await run(['crds', '--provider', './drivers/kvm-only.mjs'], { cwd: tempDir() });
    expect(code).toBe(2);
    expect(err).toMatch(/^error: cannot load provider module \.\/drivers\/kvm-only\.mjs \(file:\/\/\S+\/drivers\/kvm-only\.mjs\): .*\n$/);
  });

  it('takes absolute paths, and resolves bare names (even path-like ones) as package imports', async () => {
    const cwd = providerDir();
    const absolute = await run(['crds', '-o', 'json', '--provider', join(cwd, 'drivers', 'kvm-only.mjs')], { cwd: tempDir() });
    expect(providerNames(JSON.parse(absolute.out) as CrdList)).toEqual(['kvm']);
    const bare = await run(['crds', '-o', 'json', '--provider', '@kubeception/driver-aws'], { cwd });
    expect(providerNames(JSON.parse(bare.out) as CrdList)).toEqual(['aws']);
    const pathLike = await run(['crds', '--provider', 'drivers/kvm-only.mjs'], { cwd });
    expect(pathLike).toMatchObject({ code: 2, err: expect.stringContaining('cannot load provider module drivers/kvm-only.mjs: ') });
  });

  it('fails clearly on a provider module that cannot be loaded', async () => {
    const { code, err } = await run(['crds', '--provider', '@kubeception/no-such-driver']);
    expect(code).toBe(2);
    expect(err).toContain('cannot load provider module @kubeception/no-such-driver');
    expectOneLine(err);
  });
});

describe('kubeception: version, help and usage errors', () => {
  it('prints the version of @kubeception/sdk', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('documents the exit codes in --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*invalid.*\n\s+kubeconfig: no such Secret.*\n\s+2 .*usage error.*could not be read/);
  });

  it('prints usage for no command, and one-line errors for unknown commands and options', async () => {
    expect(await run([])).toMatchObject({ code: 2, out: '', err: expect.stringContaining('Usage: kubeception') });
    const command = await run(['frobnicate']);
    expect(command).toMatchObject({ code: 2, err: 'error: unknown command "frobnicate" (see kubeception --help)\n' });
    const option = await run(['validate', '--frobnicate', 'x.yaml']);
    expect(option).toMatchObject({ code: 2, err: "error: Unknown option '--frobnicate' (see kubeception --help)\n" });
    expect(await run(['validate'])).toMatchObject({ code: 2, err: expect.stringContaining('validate needs at least one file') });
  });

  it.each([
    [['kubeconfig'], 'kubeconfig takes one Cluster: <namespace>/<cluster>'],
    [['kubeconfig', 'a', 'b'], 'kubeconfig takes one Cluster: <namespace>/<cluster>'],
    [['kubeconfig', 'a/b/c'], 'kubeconfig takes <namespace>/<cluster> (got a/b/c)'],
    [['kubeconfig', 'default/'], 'kubeconfig takes <namespace>/<cluster> (got default/)'],
    [['kubeconfig', 'default/demo', '-o', 'json'], 'kubeconfig takes no --output'],
    [['crds', '--kubeconfig', 'host.yaml'], '--kubeconfig applies to kubeconfig only'],
  ])('kubeception %j is a usage error (exit 2): %s', async (args, message) => {
    expect(await run(args)).toEqual({ code: 2, out: '', err: `error: ${message} (see kubeception --help)\n` });
  });
});

describe('the installed `kubeception` bin', () => {
  it('reads standard input and exits with the CLI exit code', () => {
    const bin = fileURLToPath(new URL('../bin/kubeception.js', import.meta.url));
    const input = `${CERT}---\n${CLUSTER_EVEN_MASTERS}`;
    const result = spawnSync(process.execPath, [bin, 'validate', '-'], { encoding: 'utf8', input, cwd: tempDir() });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain('✓ <stdin>#1 (Certificate demo-admin): valid');
    expect(result.stdout).toContain('✗ <stdin>#2 (Cluster default/demo): spec.masters.replicas');
  }, 30_000);
});
