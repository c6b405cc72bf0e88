/** Where simulated components report unexpected failures (internal): a handler, or a log of the latest ones. */

/** A failure a simulated component met (and retried). */
export interface SimulationFailure {
  /** The component that failed, e.g. `deployment`, `kubelet`, `node-lifecycle`. */
  readonly component: string;
  /** The object it was working on (`namespace/name`). */
  readonly key: string;
  /** What it met. */
  readonly error: unknown;
}

/** How many failures the log keeps (the latest). */
const KEPT = 100;

/** A failure handler for components: `onError` when given, else one that keeps the latest {@link KEPT} in `failures()`. */
export function failureLog(onError?: (component: string, key: string, error: unknown) => void): {
  readonly onError: (component: string, key: string, error: unknown) => void;
  readonly failures: () => readonly SimulationFailure[];
} {
  const failures: SimulationFailure[] = [];
  const keep = (component: string, key: string, error: unknown) => {
    failures.push({ component, key, error });
    if (failures.length > KEPT) failures.shift();
  };
  return { onError: onError ?? keep, failures: () => [...failures] };
}
