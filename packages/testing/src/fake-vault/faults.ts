/** Fault injection on the fake Vault: its match, the seal, and its error answer for an injected failure. */
import { type FaultHandle, FaultInjector, type FaultProtocol, type LatencyRule, oneOf, type RequestGate, type RuleFaults } from '../shared/index.js';
import { VaultError } from './errors.js';
import { underPath, upper, type VaultRequestRecord } from './request-log.js';
import type { Operation } from './types.js';

/** Which requests a fault applies to; every given field must match. */
export interface VaultFaultMatch {
  /** Path prefix after `/v1/` (a leading slash is ignored), e.g. `pki-a/issue/`. @default every path */
  readonly path?: string;
  /** HTTP method(s) as sent (`GET`, `POST`, `LIST`...), case-insensitive. @default every method */
  readonly method?: string | readonly string[];
  /** Vault operation(s): `read`, `list`, `create`, `update`, `delete`. @default every operation */
  readonly operation?: Operation | readonly Operation[];
}

/** A failure to inject. */
export interface VaultFailureSpec extends VaultFaultMatch {
  /** HTTP status to answer with (429, 500, 502, 503...). */
  readonly status: number;
  /** How many matching requests fail. @default 1 */
  readonly times?: number;
  /** The message in `errors`. @default a wording for the status (429: Vault's rate-limit message) */
  readonly message?: string;
  /** `Retry-After` seconds sent with 429 and 503. @default 1 */
  readonly retryAfterSeconds?: number;
}

/** Latency to add before matching requests are handled. */
export interface VaultLatencySpec extends VaultFaultMatch, LatencyRule {}

/** A handle on one injected fault. */
export type VaultFaultHandle = FaultHandle;

/** Fault injection on the fake. */
export interface VaultFaults extends RuleFaults<VaultFailureSpec, VaultLatencySpec> {
  /** Seals Vault: every request but `sys/health`, `sys/seal-status` and `sys/unseal` gets 503 `Vault is sealed`. */
  seal(): void;
  /** Unseals Vault. */
  unseal(): void;
  /** Removes every failure and latency rule (the seal stays as it is). */
  clear(): void;
  /** Sets a gate every request passes before the failure rules (`undefined` removes it); see `exploreCrashPoints`. */
  gate(gate: RequestGate<VaultFailureSpec, VaultGateTarget> | undefined): void;
}

/** The parts of a record a fault (and a gate) sees. */
export type VaultGateTarget = Pick<VaultRequestRecord, 'method' | 'path' | 'operation'>;
type Target = VaultGateTarget;

/** Vault's side of fault injection: the match, and the log's `fail <status>`. */
const VAULT_FAULTS: FaultProtocol<VaultFailureSpec, VaultLatencySpec, Target> = {
  applies: (m, r) => (m.path === undefined || underPath(m.path, r.path)) && oneOf(m.method, r.method, upper) && oneOf(m.operation, r.operation),
  describe: (failure) => `fail ${failure.status}`,
};

/** The fault injector the dispatcher consults (internal). */
export type VaultFaultInjector = FaultInjector<VaultFailureSpec, VaultLatencySpec, Target>;

/** The fault injector, and its public face with seal/unseal wired to the state (internal). */
export function vaultFaults(sealing: { seal(): void; unseal(): void }): { injector: VaultFaultInjector; api: VaultFaults } {
  const injector = new FaultInjector(VAULT_FAULTS);
  const api: VaultFaults = {
    fail: (spec) => injector.fail(spec),
    latency: (spec) => injector.latency(spec),
    seal: () => sealing.seal(),
    unseal: () => sealing.unseal(),
    clear: () => injector.clear(),
    gate: (gate) => injector.gate(gate),
  };
  return { injector, api };
}

/** The error answer of an injected failure: its status and message, `Retry-After` with 429 and 503. */
export function injectedFailure(failure: VaultFailureSpec, path: string): VaultError {
  const retry = failure.status === 429 || failure.status === 503 ? { 'retry-after': String(failure.retryAfterSeconds ?? 1) } : undefined;
  return new VaultError(failure.status, [failure.message ?? failureMessage(failure.status, path)], retry);
}

/** Default wording of an injected failure. */
function failureMessage(status: number, path: string): string {
  if (status === 429) return `request path "${path}": rate limit quota exceeded`;
  if (status === 503) return 'Vault is temporarily unavailable';
  if (status >= 500) return 'internal error';
  return `injected failure (HTTP ${status})`;
}
