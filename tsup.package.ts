import { defineConfig } from 'tsup';

/** The tsup build of a package with one entry (src/index.ts): ESM + CJS + .d.ts for Node 20. */
export function packageBuild() {
  return defineConfig({
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'node20',
    clean: true,
    sourcemap: true,
  });
}
