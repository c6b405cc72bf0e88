/** The envtest lane: a real etcd, kube-apiserver and kube-controller-manager (see ./envtest.ts). */
export { startEnvtest } from './envtest.js';
export type { Envtest, EnvtestOptions, KubeServer } from './envtest.js';
export { findEnvtestAssets } from './assets.js';
export type { EnvtestAssetOptions, EnvtestAssets, KubeVersion } from './assets.js';
export { stripCelRules } from './crds.js';
export { EnvtestError, EnvtestErrorKind } from './errors.js';
export { envtestGate } from './gate.js';
