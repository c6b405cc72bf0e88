/**
 * Every import of a workspace's own code is declared: each bare specifier that a non-test source
 * file under a workspace's `src/` imports names a package of its `dependencies` or
 * `peerDependencies` — what an installed copy gets, and what an operator's bundle is built
 * from — or the workspace itself. `node:` built-ins need no declaration. Tests and their support
 * files may also import devDependencies (`architecture.test.ts` checks those); unlike that
 * test's check of what a package ships, this one reads every source file, not only those its
 * entry points reach, so an example operator's code cannot lean on a dependency that happens to
 * be installed for another workspace.
 */
import { join, relative } from 'node:path';
import { ImportGraph, sourceFiles, type WorkspacePackage } from './import-graph.js';

/** Tests, type tests and their support files, by name: `x.test.ts`, `x.test-d.ts`, `test-support.ts`, `x.test-support.ts`, `test-fixtures.ts`. */
export const isTestMaterial = (file: string): boolean =>
  /\.test(-d)?\.(c|m)?ts$|(^|[./])test-(support|fixtures)\.(c|m)?ts$/.test(file.split('/').pop() ?? file);

/** `<file> imports <package>` (the file relative to `root`) for each undeclared package a non-test source file of `pkg` imports. */
export function undeclaredImports(pkg: WorkspacePackage, root: string, graph: ImportGraph = new ImportGraph()): string[] {
  return sourceFiles(join(pkg.dir, 'src'))
    .filter((file) => !isTestMaterial(file))
    .flatMap((file) =>
      graph
        .of(file)
        .packages.filter((name) => name !== pkg.name && !pkg.declared.has(name))
        .map((name) => `${relative(root, file)} imports ${name}`),
    );
}
