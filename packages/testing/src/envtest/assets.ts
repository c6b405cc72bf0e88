/** Finding the control-plane binaries ({@link startEnvtest}'s "assets") and their versions. */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import { findProgram } from '../system/tools.js';
import { EnvtestError, EnvtestErrorKind } from './errors.js';

/** Where the binaries come from. */
export interface EnvtestAssetOptions {
  /**
   * The folder holding `kube-apiserver`, `kube-controller-manager` and `etcd` (controller-runtime's
   * layout). @default the `KUBEBUILDER_ASSETS` environment variable
   */
  readonly binaryAssetsDirectory?: string;
  /** Whether `kube-controller-manager` is needed (see `EnvtestOptions.controllers`). @default true */
  readonly controllerManager?: boolean;
}

/** Absolute paths of the binaries {@link startEnvtest} runs. */
export interface EnvtestAssets {
  /** The folder they were looked up in. */
  readonly directory: string;
  /** `etcd`: from the folder, else the one on `PATH` (Debian's `etcd-server`). */
  readonly etcd: string;
  /** `kube-apiserver`, from the folder. */
  readonly kubeApiServer: string;
  /** `kube-controller-manager`, from the folder; `undefined` when not needed. */
  readonly kubeControllerManager?: string;
}

/** A Kubernetes version as `/version` or `--version` reports it. */
export interface KubeVersion {
  /** e.g. `v1.20.2`. */
  readonly gitVersion: string;
  /** e.g. `1`. */
  readonly major: number;
  /** e.g. `20`. */
  readonly minor: number;
}

/** How to get the binaries, for error messages. */
export const BUILD_HINT =
  'build them with scripts/envtest/build-kube-apiserver.sh (Kubernetes 1.20.2 from Debian\'s source package), then export KUBEBUILDER_ASSETS="$(scripts/envtest/build-kube-apiserver.sh)"';

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Finds the binaries in `binaryAssetsDirectory` (default `KUBEBUILDER_ASSETS`), or says which are
 * missing and how to build them (kind `BinariesMissing`).
 */
export function findEnvtestAssets(options: EnvtestAssetOptions = {}): Result<EnvtestAssets, EnvtestError> {
  const directory = options.binaryAssetsDirectory ?? process.env.KUBEBUILDER_ASSETS;
  if (directory === undefined || directory === '') {
    return err(new EnvtestError(EnvtestErrorKind.BinariesMissing, `no control-plane binaries: KUBEBUILDER_ASSETS is not set; ${BUILD_HINT}`));
  }
  const inDir = (name: string) => (executable(join(directory, name)) ? join(directory, name) : undefined);
  const etcd = inDir('etcd') ?? findProgram('etcd');
  const kubeApiServer = inDir('kube-apiserver');
  const kubeControllerManager = options.controllerManager === false ? undefined : inDir('kube-controller-manager');
  const missing = [
    ...(kubeApiServer === undefined ? ['kube-apiserver'] : []),
    ...(options.controllerManager !== false && kubeControllerManager === undefined ? ['kube-controller-manager'] : []),
    ...(etcd === undefined ? ['etcd'] : []),
  ];
  if (etcd === undefined || kubeApiServer === undefined || missing.length > 0) {
    const source = options.binaryAssetsDirectory === undefined ? `KUBEBUILDER_ASSETS=${directory}` : directory;
    return err(new EnvtestError(EnvtestErrorKind.BinariesMissing, `missing ${missing.join(', ')} in ${source}; ${BUILD_HINT}`));
  }
  return ok({ directory, etcd, kubeApiServer, ...(kubeControllerManager === undefined ? {} : { kubeControllerManager }) });
}

/** Parses `v1.20.2` (also `v1.20.2-dirty`, `v1.31.0+k3s1`); `undefined` when it is not a version. */
export function parseKubeVersion(gitVersion: string): KubeVersion | undefined {
  const match = /^v(\d+)\.(\d+)/.exec(gitVersion.trim());
  return match ? { gitVersion: gitVersion.trim(), major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** The version a Kubernetes binary reports with `--version` (`Kubernetes v1.20.2`). */
export function binaryVersion(program: string): Promise<KubeVersion> {
  return new Promise((resolve, reject) => {
    execFile(program, ['--version'], { timeout: 10_000 }, (error, stdout) => {
      const version = parseKubeVersion(stdout.replace(/^Kubernetes\s+/, ''));
      if (version !== undefined) resolve(version);
      else
        reject(
          new EnvtestError(EnvtestErrorKind.ProcessExited, `${program} --version printed no version (${error?.message ?? stdout.trim()})`, { cause: error }),
        );
    });
  });
}
