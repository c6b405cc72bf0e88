/**
 * Exit codes of the `kubeception` command, the same for every subcommand.
 *
 * - `Ok` (0): everything valid, or the command succeeded.
 * - `Invalid` (1): every input was read, and at least one document is invalid.
 * - `Failed` (1, the same code): `kubeconfig` could not print the kubeconfig (no such Secret, not a
 *   guest kubeconfig, an error of the host API).
 * - `Usage` (2): a usage error (unknown command or option, bad option value), or an input
 *   that could not be read (missing or unreadable file, bad YAML, provider module not loadable,
 *   a kubeconfig that does not load). It wins over `Invalid` when both apply.
 */
export const ExitCode = { Ok: 0, Invalid: 1, Failed: 1, Usage: 2 } as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
