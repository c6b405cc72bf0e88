/**
 * What an example operator's Deployment runs: its container's `args`, the `env` it sets to plain
 * values and its named ports, read from the manifest (`examples/<operator>/deploy/base/`, or
 * `deploy/` before the kustomize layout), so a test runs the process as the Deployment would.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './process-group.js';

/** The operator's container in its Deployment. */
export interface DeploymentContainer {
  /** The manifest it was read from, relative to the repository. */
  readonly manifest: string;
  readonly args: readonly string[];
  /** The variables set to a `value` (those from a `valueFrom` are the cluster's to give). */
  readonly env: Readonly<Record<string, string>>;
  /** Container ports by name (`metrics`, `health`). */
  readonly ports: Readonly<Record<string, number>>;
}

interface Manifest {
  readonly spec: {
    readonly template: {
      readonly spec: {
        readonly containers: readonly {
          readonly name: string;
          readonly args?: string[];
          readonly env?: { readonly name: string; readonly value?: string }[];
          readonly ports?: { readonly name: string; readonly containerPort: number }[];
        }[];
      };
    };
  };
}

/** The container named `operator` in `examples/<operator>`'s Deployment. */
export function deploymentContainer(operator: string): DeploymentContainer {
  const manifest = [`examples/${operator}/deploy/base/deployment.yaml`, `examples/${operator}/deploy/deployment.yaml`].find((path) =>
    existsSync(join(REPO_ROOT, path)),
  );
  if (!manifest) throw new Error(`no Deployment manifest for ${operator}`);
  const deployment = parse(readFileSync(join(REPO_ROOT, manifest), 'utf8')) as Manifest;
  const container = deployment.spec.template.spec.containers.find((c) => c.name === operator);
  if (!container) throw new Error(`${manifest} has no container named ${operator}`);
  return {
    manifest,
    args: container.args ?? [],
    env: Object.fromEntries((container.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]]))),
    ports: Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort])),
  };
}
