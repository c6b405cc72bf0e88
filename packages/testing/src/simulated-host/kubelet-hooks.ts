/** What tests can do to a running pod through the kubelet (part of the public API). */

/** A change a test asks the kubelet to make to a pod. */
export type PodDirective =
  | { readonly kind: 'fail'; readonly exitCode?: number; readonly reason?: string }
  | { readonly kind: 'complete'; readonly exitCode?: number }
  | { readonly kind: 'crash-loop' }
  | { readonly kind: 'unready' }
  | { readonly kind: 'recover' };

/** Hooks into the simulated kubelet: each applies to the pod's next status report. */
export interface KubeletHooks {
  /** The pod fails: phase Failed, containers terminated with `exitCode` (default 1, reason `Error`). */
  fail(namespace: string, name: string, options?: { readonly exitCode?: number; readonly reason?: string }): void;
  /** The pod's containers exit: phase Succeeded with exit code 0, or Failed with another. */
  complete(namespace: string, name: string, options?: { readonly exitCode?: number }): void;
  /** The containers crash and restart with back-off (10 s doubling to 5 min of clock time): `CrashLoopBackOff`, not Ready. */
  crashLoop(namespace: string, name: string): void;
  /** The pod keeps running but its readiness probe fails: Ready=False. */
  unready(namespace: string, name: string): void;
  /** Back to running and Ready (after `crashLoop` or `unready`). */
  recover(namespace: string, name: string): void;
}
