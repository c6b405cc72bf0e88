import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { operatorUsage, parseOperatorArgs } from '@kubeception/sdk/runtime';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMAND } from './main.js';

/** The command run as its image runs it, from this package's folder. */
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--conditions=@kubeception/source', '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });

interface Container {
  readonly args: string[];
  readonly env: { readonly name: string; readonly value?: string }[];
  readonly ports: { readonly name: string; readonly containerPort: number }[];
  readonly livenessProbe: { readonly httpGet: { readonly path: string; readonly port: string } };
  readonly readinessProbe: { readonly httpGet: { readonly path: string; readonly port: string } };
}

describe('the aws-operator command line', () => {
  it('--help prints every flag and variable and exits 0; a bad flag exits 2 with the message and the usage', () => {
    expect(cli('--help')).toMatchObject({ status: 0, stdout: `${operatorUsage(COMMAND)}\n` });
    expect(cli('--verbosity=9')).toMatchObject({ status: 2, stdout: expect.stringMatching(/verbosity[^]*Usage: aws-operator/) });
  }, 30_000);

  it('its Deployment passes flags and environment the command line accepts: logs at info, /metrics on :8080, the probes on :8081', () => {
    const deployment = parse(readFileSync(new URL('../deploy/base/deployment.yaml', import.meta.url), 'utf8')) as {
      spec: { template: { spec: { containers: Container[] } } };
    };
    const [container] = deployment.spec.template.spec.containers;
    const env = Object.fromEntries(container!.env.map((e) => [e.name, e.value ?? 'from a reference']));
    const args = parseOperatorArgs(COMMAND, container!.args, env)._unsafeUnwrap();
    expect(args).toMatchObject({ kind: 'run', settings: { logLevel: 'info', metrics: { port: 8080 }, healthProbes: { port: 8081 }, leaderElection: true } });
    expect(container!.ports).toEqual([
      { name: 'metrics', containerPort: 8080 },
      { name: 'health', containerPort: 8081 },
    ]);
    expect([container!.livenessProbe.httpGet, container!.readinessProbe.httpGet]).toEqual([
      { path: '/livez', port: 'health' },
      { path: '/readyz', port: 'health' },
    ]);
  });
});
