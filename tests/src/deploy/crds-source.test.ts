/**
 * One CRD source for every operator: `deploy/crds/kubeception-crds.yaml` is what the SDK generates
 * with both providers (kvm and aws) — regenerated here, the way its kustomization says, with
 * `npx kubeception crds` — and no other deploy manifest defines a Kubeception CRD (the operators'
 * bases list `deploy/crds`; manifests.test.ts checks they render its CRDs).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { provider as aws } from '@kubeception/driver-aws';
import { provider as kvm } from '@kubeception/driver-kvm';
import { kubeceptionCrds, toYamlDocuments } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CRDS_FILE, deployYamlFiles, REGENERATE_CRDS, REPO_ROOT } from './deploy-tree.js';

const current = () => readFileSync(join(REPO_ROOT, CRDS_FILE), 'utf8');
const stale = `${CRDS_FILE} is stale: run \`${REGENERATE_CRDS}\``;

describe(`the one CRD source, ${CRDS_FILE}`, () => {
  it('holds the CRDs the SDK generates with the kvm and aws providers', () => {
    expect(current(), stale).toBe(toYamlDocuments(kubeceptionCrds({ providers: [kvm, aws] })));
  });

  it(`is what \`${REGENERATE_CRDS}\` writes`, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'node_modules/.bin/kubeception'), 'crds'], { cwd: REPO_ROOT });
    expect(current(), stale).toBe(stdout);
  }, 60_000);

  it('is the only deploy manifest that defines a Kubeception CRD', () => {
    const defining = deployYamlFiles().filter((path) =>
      parseAllDocuments(readFileSync(join(REPO_ROOT, path), 'utf8')).some((d) => {
        const o = d.toJS() as { kind?: string; spec?: { group?: string } } | null;
        return o?.kind === 'CustomResourceDefinition' && o.spec?.group === 'kubeception.io';
      }),
    );
    expect(defining).toEqual([CRDS_FILE]);
  });
});
