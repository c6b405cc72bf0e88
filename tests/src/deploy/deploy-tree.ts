/**
 * The repository's deploy manifests, found on disk: the one CRD source (`deploy/crds`) and every
 * kustomization of the reference operators (`examples/<operator>/deploy/{base,overlays/*}`) and of
 * the shared pieces (`deploy/*`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository's root folder (absolute, with a trailing separator). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The one CRD source, relative to {@link REPO_ROOT}. */
export const CRDS_FILE = 'deploy/crds/kubeception-crds.yaml';

/** The command that regenerates {@link CRDS_FILE}, run from the root (deploy/crds/kustomization.yaml says the same). */
export const REGENERATE_CRDS = `npx kubeception crds > ${CRDS_FILE}`;

/** The folders that hold deploy manifests, relative to the root. */
function deployRoots(): string[] {
  const examples = readdirSync(join(REPO_ROOT, 'examples')).map((name) => join('examples', name, 'deploy'));
  return ['deploy', ...examples].filter((dir) => statSync(join(REPO_ROOT, dir), { throwIfNoEntry: false })?.isDirectory());
}

/** Every file below `dir` (relative to the root), relative to the root. */
function filesBelow(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(join(REPO_ROOT, path)).isFile());
}

/** Every YAML file below `deploy/` and `examples/<name>/deploy/`, relative to the root, sorted. */
export function deployYamlFiles(): string[] {
  return deployRoots()
    .flatMap(filesBelow)
    .filter((path) => /\.ya?ml$/.test(path))
    .sort();
}

/**
 * Every folder below `deploy/` and `examples/<name>/deploy/` whose `kustomization.yaml` is a
 * `Kustomization` (what `kubectl kustomize` builds; a `Component` is built only through the
 * overlays that use it), relative to the root, sorted.
 */
export function kustomizations(): string[] {
  return deployYamlFiles()
    .filter((path) => path.endsWith('/kustomization.yaml'))
    .filter((path) => (parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as { kind?: string }).kind === 'Kustomization')
    .map((path) => relative(REPO_ROOT, join(REPO_ROOT, path, '..')));
}
