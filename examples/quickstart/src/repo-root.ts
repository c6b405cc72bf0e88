/** The repository root: where `.kubeception/kubeconfig` goes. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest directory at or above `from` whose package.json has `workspaces`; `from` when there is none. */
export function findRepoRoot(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // not JSON: keep walking
      }
    }
    if (dirname(dir) === dir) return from;
  }
}

/** Relative to the repository root (`.kubeception/` is git-ignored). */
export const KUBECONFIG = '.kubeception/kubeconfig';

/** `<repo root>/.kubeception/kubeconfig`. */
export const defaultKubeconfigPath = (): string => join(findRepoRoot(), KUBECONFIG);
