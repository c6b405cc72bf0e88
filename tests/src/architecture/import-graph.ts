/**
 * The repository's import graph, read from the source: every `import`, `export … from` and
 * `import()` of every TypeScript file under a package's `src/`, resolved to files (relative
 * specifiers) or package names (bare specifiers). Type-only imports are arrows too: a type a
 * module needs is a module it depends on.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One workspace package: its directory, name, declared dependencies and source entry points. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly name: string;
  /** `dependencies` and `peerDependencies`: what an installed copy can import. */
  readonly declared: ReadonlySet<string>;
  /** `devDependencies` too: what its tests can import. */
  readonly declaredForTests: ReadonlySet<string>;
  /** The files the `@kubeception/source` condition of `exports` (or `bin`) points at. */
  readonly entries: readonly string[];
}

/** A file's imports: other files of the repository, and bare package names. */
export interface FileImports {
  readonly files: readonly string[];
  readonly packages: readonly string[];
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** The package a bare specifier names: `@scope/name` or `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Every `.ts`/`.mts`/`.cts` file under `dir`, recursively, skipping `node_modules` and `dist`. */
export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(c|m)?ts$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** Whether a file is a test or a type test (they may import dev dependencies). */
export const isTest = (file: string): boolean => /\.test(-d)?\.(c|m)?ts$/.test(file);

/** The file a relative specifier of `from` names (`./x.js` is `./x.ts` in source). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.(c|m)?js$/, (_m, p: string | undefined) => `.${p ?? ''}ts`), base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** What one file imports. */
export function importsOf(file: string): FileImports {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const files: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (fileName.startsWith('.')) {
      const target = resolveRelative(file, fileName);
      if (target !== undefined) files.push(target);
    } else if (!BUILTINS.has(fileName)) {
      packages.push(packageOf(fileName));
    }
  }
  return { files, packages };
}

/** The workspace packages under `root` (its `package.json` `workspaces`, one level of globs). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return manifest.workspaces.flatMap((pattern) => {
    const dirs = pattern.endsWith('/*') ? readdirSync(join(root, pattern.slice(0, -2))).map((d) => join(root, pattern.slice(0, -2), d)) : [join(root, pattern)];
    return dirs.filter((d) => existsSync(join(d, 'package.json'))).map((dir) => readPackage(dir));
  });
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports?: Record<string, unknown>;
  bin?: string | Record<string, string>;
}

function readPackage(dir: string): WorkspacePackage {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const declaredForTests = new Set([...declared, ...Object.keys(manifest.devDependencies ?? {})]);
  const sources = Object.values(manifest.exports ?? {}).flatMap((target) => {
    const source = typeof target === 'object' && target !== null ? (target as Record<string, unknown>)['@kubeception/source'] : undefined;
    return typeof source === 'string' ? [join(dir, source)] : [];
  });
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  const binSources = bins.map((b) => join(dir, b)).filter((b) => /\.(c|m)?ts$/.test(b));
  // an application without exports or bin (an example operator) starts at src/main.ts
  const main = sources.length + binSources.length === 0 ? [join(dir, 'src/main.ts')] : [];
  return { dir, name: manifest.name, declared, declaredForTests, entries: [...sources, ...binSources, ...main].filter((f) => existsSync(f)) };
}

/** The import graph of some files: each file's imports, computed once. */
export class ImportGraph {
  private readonly cache = new Map<string, FileImports>();

  /** What `file` imports. */
  of(file: string): FileImports {
    let imports = this.cache.get(file);
    if (imports === undefined) {
      imports = importsOf(file);
      this.cache.set(file, imports);
    }
    return imports;
  }

  /** Every file reachable from `entries` through relative imports (the entries included). */
  reachable(entries: readonly string[]): Set<string> {
    const seen = new Set<string>();
    const stack = [...entries];
    while (stack.length > 0) {
      const file = stack.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      stack.push(...this.of(file).files);
    }
    return seen;
  }

  /** The import circles among `files` (each as the files around it, from its smallest name), by Tarjan's strongly connected components. */
  cycles(files: readonly string[]): string[][] {
    const inside = new Set(files);
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const out: string[][] = [];
    let counter = 0;
    const visit = (file: string): void => {
      index.set(file, counter);
      low.set(file, counter);
      counter++;
      stack.push(file);
      onStack.add(file);
      for (const next of this.of(file).files.filter((f) => inside.has(f))) {
        if (!index.has(next)) {
          visit(next);
          low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
        } else if (onStack.has(next)) {
          low.set(file, Math.min(low.get(file) as number, index.get(next) as number));
        }
      }
      if (low.get(file) === index.get(file)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== file);
        if (component.length > 1) out.push(component.sort());
      }
    };
    for (const file of files) if (!index.has(file)) visit(file);
    return out;
  }
}

/** A path relative to `root`, for messages. */
export const shown = (root: string, file: string): string => relative(root, file);
