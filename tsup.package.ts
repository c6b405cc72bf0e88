import { defineConfig } from 'tsup';

/**
 * The tsup build of a published package: ESM + CJS, each with its own declarations
 * (`.d.ts` for `import`, `.d.cts` for `require`), for Node ≥ 22.19. Dependencies and peer
 * dependencies stay external (tsup reads package.json), so an undeclared import would be
 * bundled: the consumer test and the import-walk test catch that.
 *
 * `splitting` is on for CJS too, so code shared by several entry points lives in one chunk
 * and a process that requires two of them gets one copy of each module.
 */
export function packageBuild(entry: Record<string, string> = { index: 'src/index.ts' }, options: { readonly extraEntries?: Record<string, string> } = {}) {
  return defineConfig({
    entry: { ...entry, ...options.extraEntries },
    format: ['esm', 'cjs'],
    dts: { entry },
    splitting: true,
    // import.meta.url in the CJS build (the SDK's duplicate-copy guard names its file with it)
    shims: true,
    target: 'node22',
    clean: true,
    sourcemap: true,
  });
}
