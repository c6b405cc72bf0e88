/**
 * Whether an object as the API server holds it already says everything the driver renders: the
 * test behind "write nothing when nothing changed" and "revert manual edits of owned fields".
 */

/**
 * `true` when every field of `desired` is in `actual` with the same value. Objects may carry
 * more fields in `actual` (server defaults, other managers' fields); arrays must have the same
 * length, element by element (so a removed container port or an extra endpoint is a change).
 * Numbers and their string forms are not equated: render what the server stores.
 *
 * @example
 * ```ts
 * contains({ spec: { replicas: 1, paused: false } }, { spec: { replicas: 1 } }); // true
 * contains({ spec: { replicas: 2 } }, { spec: { replicas: 1 } });                // false
 * ```
 */
export function contains(actual: unknown, desired: unknown): boolean {
  if (desired === undefined) return true;
  if (desired === null || typeof desired !== 'object') return actual === desired;
  if (Array.isArray(desired)) {
    return Array.isArray(actual) && actual.length === desired.length && desired.every((item, i) => contains(actual[i], item));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  const have = actual as Record<string, unknown>;
  return Object.entries(desired as Record<string, unknown>).every(([key, value]) => contains(have[key], value));
}
