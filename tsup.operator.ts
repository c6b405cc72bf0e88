import { cpSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * Files that bundled packages read at run time relative to their code (`__dirname`), which a
 * bundle does not carry: each is copied into `dist/<package>/` with the package's layout, and
 * `__dirname` in that package's modules names the module's folder in that copy.
 * - etcd3 (the KVM driver's flannel store) loads its gRPC service from `proto/rpc.proto`.
 * Others are left alone because the operators never reach them: pino's transport workers (no
 * transport is configured; pino writes to stderr) and the protos of gRPC's channelz and ORCA.
 */
const RUNTIME_FILES: Readonly<Record<string, readonly string[]>> = { etcd3: ['proto'] };

/** The esbuild plugin of {@link RUNTIME_FILES}: defines `__dirname` in those packages' modules and copies their files on each build. */
function runtimeFiles(outDir: string): Plugin {
  const packages = Object.keys(RUNTIME_FILES).join('|');
  const filter = new RegExp(`/node_modules/(${packages})/.*\\.c?js$`);
  const roots = new Map<string, string>();
  return {
    name: 'kubeception-runtime-files',
    setup(build) {
      build.onLoad({ filter }, async (args) => {
        const [root, name] = /^(.*\/node_modules\/([^/]+))\//.exec(args.path)?.slice(1) ?? [];
        if (root === undefined || name === undefined) return undefined;
        roots.set(name, root);
        const folder = relative(root, join(args.path, '..'));
        const source = await readFile(args.path, 'utf8');
        return { contents: `var __dirname = __bundleDir + ${JSON.stringify(`/${name}/${folder}`)};\n${source}`, loader: 'js' };
      });
      build.onEnd(() => {
        for (const [name, root] of roots)
          for (const files of RUNTIME_FILES[name] ?? []) cpSync(join(root, files), join(outDir, name, files), { recursive: true });
      });
    },
  };
}

/**
 * The tsup build of a reference operator (`examples/*-operator`): one ES module, `dist/main.js`,
 * with every dependency bundled in — the workspace packages from their source (the
 * `@kubeception/source` condition, so no package needs building first) and the npm ones from
 * node_modules — so `node dist/main.js` runs with nothing beside it but the files of
 * {@link RUNTIME_FILES}, which is all a container image copies (decision 019). The entry's
 * shebang is kept.
 *
 * The banner gives the bundle what CommonJS modules expect of their scope: `require` (bundled
 * CommonJS dependencies — node-vault and axios, pino, the AWS SDK's helpers — require Node's
 * built-ins, and an ES module has no `require`) and the bundle's folder for {@link runtimeFiles}.
 *
 * @example
 * ```ts
 * // examples/<operator>/tsup.config.ts
 * export default operatorBuild();
 * ```
 */
export function operatorBuild() {
  const outDir = 'dist';
  return defineConfig({
    entry: { main: 'src/main.ts' },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node22',
    noExternal: [/./],
    splitting: false,
    clean: true,
    sourcemap: true,
    // whitespace and syntax only: identifiers keep their names in stack traces and logs
    minifyWhitespace: true,
    minifySyntax: true,
    banner: {
      js: [
        "import { createRequire as __createRequire } from 'node:module';",
        'const require = __createRequire(import.meta.url);',
        'const __bundleDir = import.meta.dirname;',
      ].join('\n'),
    },
    esbuildPlugins: [runtimeFiles(outDir)],
    esbuildOptions(options) {
      options.conditions = ['@kubeception/source'];
    },
  });
}
