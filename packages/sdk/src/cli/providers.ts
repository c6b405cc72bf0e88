import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { ProviderDefinition } from '../provider.js';

/** Driver packages whose providers the CLI includes when they are installed. */
export const DEFAULT_PROVIDER_MODULES = ['@kubeception/driver-kvm', '@kubeception/driver-aws'] as const;

/** A provider module named with `--provider` that could not be loaded. */
export interface ProviderLoadError {
  readonly kind: 'ProviderLoadError';
  /** The module as the user named it. */
  readonly module: string;
  /** One line. */
  readonly message: string;
}

/** Options of {@link loadProviders}. */
export interface LoadProvidersOptions {
  /** Modules named with `--provider`; when absent, the installed {@link DEFAULT_PROVIDER_MODULES}. */
  readonly modules?: readonly string[];
  /** Directory that relative module paths (`./x.mjs`, `../y.js`) resolve against. */
  readonly cwd: string;
}

/**
 * Imports the `provider` export of each module. Paths (`./x.mjs`, `/abs/x.js`) resolve against
 * `cwd`; bare names (`@acme/driver-foo`) go through ordinary import resolution. A default module
 * that is not installed is skipped; a named one that cannot be loaded is an error.
 */
export function loadProviders(options: LoadProvidersOptions): ResultAsync<ProviderDefinition[], ProviderLoadError> {
  const explicit = options.modules !== undefined;
  const modules = options.modules ?? DEFAULT_PROVIDER_MODULES;
  return ResultAsync.combine(
    modules.map((name) =>
      importProvider(name, options.cwd)
        .map((p): ProviderDefinition[] => [p])
        .orElse((error) => (explicit ? errAsync(error) : okAsync([]))),
    ),
  ).map((lists) => lists.flat());
}

/** The specifier to import: a file URL for a path, the name itself otherwise. */
export function moduleSpecifier(name: string, cwd: string): string {
  const isPath = /^\.\.?([\\/]|$)/.test(name) || isAbsolute(name);
  return isPath ? pathToFileURL(resolve(cwd, name)).href : name;
}

function importProvider(name: string, cwd: string): ResultAsync<ProviderDefinition, ProviderLoadError> {
  const specifier = moduleSpecifier(name, cwd);
  const failed = (message: string): ProviderLoadError => ({
    kind: 'ProviderLoadError',
    module: name,
    message: `cannot load provider module ${name}${specifier === name ? '' : ` (${specifier})`}: ${message}`,
  });
  return ResultAsync.fromPromise(import(specifier) as Promise<{ provider?: unknown }>, (error) =>
    failed((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''),
  ).andThen((mod) => (isProvider(mod.provider) ? okAsync(mod.provider) : errAsync(failed('it exports no `provider` made with defineProvider'))));
}

function isProvider(value: unknown): value is ProviderDefinition {
  const candidate = value as Partial<ProviderDefinition> | undefined;
  return typeof candidate?.name === 'string' && typeof candidate.specSchema === 'object' && candidate.specSchema !== null;
}
