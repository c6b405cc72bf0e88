import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', kube: 'src/kube/index.ts', runtime: 'src/runtime/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', kube: 'src/kube/index.ts', runtime: 'src/runtime/index.ts' } },
  target: 'node20',
  clean: true,
  sourcemap: true,
});
