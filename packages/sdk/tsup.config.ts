import { packageBuild } from '../../tsup.package.js';

export default packageBuild(
  { index: 'src/index.ts', kube: 'src/kube/index.ts', runtime: 'src/runtime/index.ts', cluster: 'src/cluster/index.ts' },
  { extraEntries: { cli: 'src/cli.ts' } },
);
