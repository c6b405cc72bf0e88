/**
 * The non-test source of every workspace under packages/ and examples/ imports only what its
 * package.json declares in `dependencies` or `peerDependencies` (declared-imports.ts): an example
 * operator's bundle (decision 019) and an installed package get exactly those.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isTestMaterial, undeclaredImports } from './declared-imports.js';
import { ImportGraph, workspacePackages, type WorkspacePackage } from './import-graph.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const graph = new ImportGraph();
const workspaces = workspacePackages(ROOT).filter((p) => /^(packages|examples)\//.test(relative(ROOT, p.dir)));

describe('declared imports', () => {
  it('covers the packages and the example operators', () => {
    expect(workspaces.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        '@kubeception/sdk',
        '@kubeception/testing',
        '@kubeception/cert-operator',
        '@kubeception/kvm-operator',
        '@kubeception/aws-operator',
      ]),
    );
  });

  it.each(workspaces.map((p) => [p.name, p] as const))('%s: its non-test source imports only its dependencies and peerDependencies', (_name, pkg) => {
    expect(undeclaredImports(pkg, ROOT, graph)).toEqual([]);
  });
});

describe('the check can fail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-declared-imports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `files` (path → source) under the fixture's folder. */
  const write = (files: Record<string, string>) => {
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
  };

  it('finds an undeclared package and a devDependency imported by source, and passes built-ins, self imports and test material', () => {
    write({
      'src/main.ts': [
        "import { ok } from 'neverthrow';",
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'path';",
        "import { z } from 'zod';",
        "import type { Logger } from '@scope/logger/types';",
        "export { self } from 'fixture/self';",
        "export const later = () => import('left-pad');",
      ].join('\n'),
      'src/nested/store.ts': "import 'neverthrow';\nimport 'etcd3';\n",
      'src/main.test.ts': "import { it } from 'vitest';\nimport { z } from 'zod';\n",
      'src/store.test-support.ts': "import { expect } from 'vitest';\n",
      'src/render/test-fixtures.ts': "import { parse } from 'yaml';\n",
    });
    const fixture: WorkspacePackage = {
      dir,
      name: 'fixture',
      declared: new Set(['neverthrow', '@scope/logger']),
      declaredForTests: new Set(['neverthrow', '@scope/logger', 'zod', 'vitest', 'yaml']),
      entries: [join(dir, 'src/main.ts')],
    };
    expect(undeclaredImports(fixture, dir, new ImportGraph()).sort()).toEqual([
      'src/main.ts imports left-pad',
      'src/main.ts imports zod',
      'src/nested/store.ts imports etcd3',
    ]);
  });

  it.each([
    ['x.test.ts', true],
    ['x.test-d.ts', true],
    ['test-support.ts', true],
    ['stage.test-support.ts', true],
    ['test-fixtures.ts', true],
    ['test-tls.ts', false],
    ['latest-support.ts', false],
    ['main.ts', false],
  ])('%s is test material: %s', (name, expected) => {
    expect(isTestMaterial(`/repo/packages/x/src/${name}`)).toBe(expected);
  });
});
