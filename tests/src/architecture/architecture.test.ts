/**
 * The import graph holds the architecture the READMEs draw: the SDK's layers only import
 * downwards (root ← kube ← runtime ← cluster), no source file is part of an import circle, what a
 * package ships imports only packages it declares (and its tests and their support files only
 * what it declares for tests), and this repository's own suites and the bench use the packages
 * only through their entry points.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ImportGraph, isTest, shown, sourceFiles, workspacePackages, type WorkspacePackage } from './import-graph.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const graph = new ImportGraph();
const packages = workspacePackages(ROOT);
const sdk = join(ROOT, 'packages/sdk/src');
const ROOT_DEV = new Set(
  Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> }).devDependencies ?? {}),
);

/** The SDK layers, lowest first: a file may import its own layer and those below. */
const LAYERS = [
  {
    name: 'root',
    matches: (file: string) => !/\/(kube|runtime|cluster|cli)\//.test(file.slice(sdk.length)) && !file.endsWith('/cli.ts') && !file.endsWith('/cli-entry.ts'),
  },
  { name: 'kube', matches: (file: string) => file.startsWith(`${sdk}/kube/`) },
  { name: 'runtime', matches: (file: string) => file.startsWith(`${sdk}/runtime/`) },
  { name: 'cluster', matches: (file: string) => file.startsWith(`${sdk}/cluster/`) },
] as const;

const layerOf = (file: string) => LAYERS.findIndex((layer) => layer.matches(file));

/** Arrows from a lower SDK layer to a higher one, as `from → to`. */
function upwardArrows(): string[] {
  return sourceFiles(sdk)
    .filter((file) => !isTest(file) && layerOf(file) >= 0)
    .flatMap((file) =>
      graph
        .of(file)
        .files.filter((target) => target.startsWith(sdk) && layerOf(target) > layerOf(file))
        .map((target) => `${shown(ROOT, file)} (${LAYERS[layerOf(file)]?.name}) → ${shown(ROOT, target)} (${LAYERS[layerOf(target)]?.name})`),
    );
}

/** The packages a workspace package's shipped code imports without declaring them. */
function undeclared(pkg: WorkspacePackage): string[] {
  return [...graph.reachable(pkg.entries)].flatMap((file) =>
    graph
      .of(file)
      .packages.filter((name) => name !== pkg.name && !pkg.declared.has(name))
      .map((name) => `${shown(ROOT, file)} imports ${name}`),
  );
}

describe('the import graph', () => {
  it('finds the workspace packages and their entry points', () => {
    const names = packages.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['@kubeception/sdk', '@kubeception/driver-kvm', '@kubeception/driver-aws', '@kubeception/pki-vault', '@kubeception/testing']),
    );
    expect(
      packages
        .find((p) => p.name === '@kubeception/sdk')
        ?.entries.map((e) => shown(ROOT, e))
        .sort(),
    ).toEqual(['packages/sdk/src/cluster/index.ts', 'packages/sdk/src/index.ts', 'packages/sdk/src/kube/index.ts', 'packages/sdk/src/runtime/index.ts']);
  });

  it('the SDK imports only downwards: root ← kube ← runtime ← cluster', () => {
    expect(upwardArrows()).toEqual([]);
  });

  it('the SDK root entry reaches no I/O layer', () => {
    const reached = [...graph.reachable([join(sdk, 'index.ts')])].filter((file) => layerOf(file) !== 0);
    expect(reached.map((file) => shown(ROOT, file))).toEqual([]);
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s: no import circle among its source files', (_name, pkg) => {
    const files = sourceFiles(join(pkg.dir, 'src')).filter((file) => !isTest(file) && !file.includes('/architecture/fixture/'));
    expect(graph.cycles(files).map((cycle) => cycle.map((file) => shown(ROOT, file)))).toEqual([]);
  });

  it.each(packages.filter((p) => p.entries.length > 0).map((p) => [p.name, p] as const))(
    '%s: what it ships imports only declared dependencies',
    (_name, pkg) => {
      expect(undeclared(pkg)).toEqual([]);
    },
  );
});

const isFixture = (file: string): boolean => file.includes('/architecture/fixture/');

/**
 * The packages a workspace package's tests and their support files (what its entries do not
 * reach: harnesses, worlds, fixtures) import without declaring them (the root's devDependencies,
 * vitest, are everyone's).
 */
function undeclaredInTests(pkg: WorkspacePackage): string[] {
  const shipped = graph.reachable(pkg.entries);
  return sourceFiles(join(pkg.dir, 'src'))
    .filter((file) => (isTest(file) || !shipped.has(file)) && !isFixture(file))
    .flatMap((file) =>
      graph
        .of(file)
        .packages.filter((name) => name !== pkg.name && !pkg.declaredForTests.has(name) && !ROOT_DEV.has(name))
        .map((name) => `${shown(ROOT, file)} imports ${name}`),
    );
}

describe('tests declare what they import', () => {
  it.each(packages.map((p) => [p.name, p] as const))('%s: its tests import only its dependencies and devDependencies', (_name, pkg) => {
    expect(undeclaredInTests(pkg)).toEqual([]);
  });
});

/** Relative imports from `files` into a package's `src/`: a way round its front door (`exports`). */
function pastFrontDoors(files: readonly string[]): string[] {
  const sources = join(ROOT, 'packages');
  return files.flatMap((file) =>
    graph
      .of(file)
      .files.filter((target) => target.startsWith(`${sources}/`) && target.slice(sources.length).split('/')[2] === 'src')
      .map((target) => `${shown(ROOT, file)} imports ${shown(ROOT, target)}`),
  );
}

describe('front doors', () => {
  it("this repository's suites (tests/) and the bench reach the packages only through their entry points", () => {
    const files = [...sourceFiles(join(ROOT, 'tests/src')), ...sourceFiles(join(ROOT, 'bench'))].filter((file) => !isFixture(file));
    expect(pastFrontDoors(files)).toEqual([]);
  });
});

describe('the checks can fail', () => {
  it('a circle, an undeclared import and an import past a front door are each found', () => {
    const fixture = join(ROOT, 'tests/src/architecture/fixture');
    const files = sourceFiles(fixture);
    expect(graph.cycles(files).map((cycle) => cycle.map((file) => shown(fixture, file)))).toEqual([['a.ts', 'b.ts']]);
    const fake: WorkspacePackage = {
      dir: fixture,
      name: 'fixture',
      declared: new Set(['neverthrow']),
      declaredForTests: new Set(['neverthrow']),
      entries: [join(fixture, 'a.ts')],
    };
    expect(undeclared(fake)).toEqual(['tests/src/architecture/fixture/b.ts imports zod']);
    expect(pastFrontDoors([join(fixture, 'c.ts')])).toEqual(['tests/src/architecture/fixture/c.ts imports packages/sdk/src/index.ts']);
  });
});
