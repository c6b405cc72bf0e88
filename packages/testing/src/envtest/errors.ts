/** What can go wrong starting a real control plane with {@link startEnvtest}. */

/** The kinds of {@link EnvtestError}. */
export const EnvtestErrorKind = {
  /** A binary (etcd, kube-apiserver, kube-controller-manager) was not found: build them with `scripts/envtest/build-kube-apiserver.sh` and set `KUBEBUILDER_ASSETS`. */
  BinariesMissing: 'BinariesMissing',
  /** A process exited before it became ready, or could not be spawned. */
  ProcessExited: 'ProcessExited',
  /** A component did not become ready (`/readyz`, `/healthz`) in time. */
  NotReady: 'NotReady',
  /** A CRD or object given in the options was refused, or a CRD never became Established. */
  SeedFailed: 'SeedFailed',
} as const;
/** The kinds of {@link EnvtestError}. */
export type EnvtestErrorKind = (typeof EnvtestErrorKind)[keyof typeof EnvtestErrorKind];

/** Why {@link startEnvtest} failed; `message` names what to do, and carries the last log lines of a failed component. */
export class EnvtestError extends Error {
  /** `EnvtestError`. */
  override readonly name = 'EnvtestError';

  /** An error of `kind`; `cause` is the lower-level failure, if any. */
  constructor(
    /** What failed. */
    readonly kind: EnvtestErrorKind,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
