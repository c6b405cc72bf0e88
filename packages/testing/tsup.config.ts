import { packageBuild } from '../../tsup.package.js';

// the `kubeception-fakes` bin: dist/kubeception-fakes.js, its shebang kept
export default packageBuild(undefined, { extraEntries: { 'kubeception-fakes': 'src/kubeception-fakes.ts' } });
