/** Fault injection and the request log of the fake Vault. */
import type { Operation } from './types.js';
import { boundedLog } from '../bounded-log.js';

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
export interface VaultLatencySpec extends VaultFaultMatch {
  /** Delay added to each matching request, in milliseconds. */
  readonly ms: number;
  /** How many matching requests are delayed. @default Infinity */
  readonly times?: number;
}

/** A handle on one injected fault. */
export interface VaultFaultHandle {
  /** Requests still to be affected. */
  readonly remaining: number;
  /** Removes the fault. */
  cancel(): void;
}

/** Fault injection on the fake. */
export interface VaultFaults {
  /** Fails the next `times` matching requests with `status`. */
  fail(spec: VaultFailureSpec): VaultFaultHandle;
  /** Delays matching requests by `ms` (real time). */
  latency(spec: VaultLatencySpec): VaultFaultHandle;
  /** Seals Vault: every request but `sys/health`, `sys/seal-status` and `sys/unseal` gets 503 `Vault is sealed`. */
  seal(): void;
  /** Unseals Vault. */
  unseal(): void;
  /** Removes every failure and latency rule (the seal stays as it is). */
  clear(): void;
}

/** One request the fake answered. */
export interface VaultRequestRecord {
  /** HTTP method as sent. */
  readonly method: string;
  /** Path after `/v1/`, without query. */
  readonly path: string;
  /** Vault's operation for the request (`read`, `list`, `create`, `update`, `delete`, `patch`). */
  readonly operation: Operation;
  /** Status sent. */
  status: number;
  /** Set when the answer was an injected fault or a seal (`fail 503`, `latency 20ms`, `sealed`). */
  fault?: string;
  /** Time of arrival on the fake's clock. */
  readonly at: Date;
}

/** A filter over records: every given field must match. */
export interface VaultRequestFilter {
  /** Only this HTTP method. */
  readonly method?: string;
  /** Path prefix. */
  readonly path?: string;
  /** Only this Vault operation. */
  readonly operation?: Operation;
  /** Only answers with this HTTP status. */
  readonly status?: number;
  /** Only records with (true) or without (false) a fault. */
  readonly faulted?: boolean;
}

/** The request log. */
export interface VaultRequestLog {
  /** Every record so far (a copy). */
  all(): VaultRequestRecord[];
  /** Records matching a filter. */
  filter(match: VaultRequestFilter): VaultRequestRecord[];
  /** How many records match a filter. */
  count(match?: VaultRequestFilter): number;
  /** Forgets every record. */
  clear(): void;
}

interface Rule<S> {
  readonly spec: S;
  remaining: number;
}

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];

function matches(m: VaultFaultMatch, r: Pick<VaultRequestRecord, 'method' | 'path' | 'operation'>): boolean {
  if (m.path !== undefined && !r.path.startsWith(m.path.replace(/^\/+/, ''))) return false;
  const methods = asList(m.method)?.map((x) => x.toUpperCase());
  if (methods && !methods.includes(r.method.toUpperCase())) return false;
  const ops = asList(m.operation);
  return !ops || ops.includes(r.operation);
}

/** The fault engine the dispatcher consults (internal). */
export class FaultEngine {
  private failures: Rule<VaultFailureSpec>[] = [];
  private latencies: Rule<VaultLatencySpec>[] = [];

  /** The public face, with seal/unseal wired to the state. */
  api(sealing: { seal(): void; unseal(): void }): VaultFaults {
    return {
      fail: (spec) => this.add(this.failures, spec, spec.times ?? 1),
      latency: (spec) => this.add(this.latencies, spec, spec.times ?? Infinity),
      seal: () => sealing.seal(),
      unseal: () => sealing.unseal(),
      clear: () => {
        this.failures = [];
        this.latencies = [];
      },
    };
  }

  /** The latency to apply to a request, if any (consumes one use). */
  latencyFor(r: Pick<VaultRequestRecord, 'method' | 'path' | 'operation'>): number {
    return this.take(this.latencies, r)?.ms ?? 0;
  }

  /** The failure to answer with, if any (consumes one use). */
  failureFor(r: Pick<VaultRequestRecord, 'method' | 'path' | 'operation'>): VaultFailureSpec | undefined {
    return this.take(this.failures, r);
  }

  private add<S extends VaultFaultMatch>(rules: Rule<S>[], spec: S, times: number): VaultFaultHandle {
    const rule: Rule<S> = { spec, remaining: times };
    rules.push(rule);
    return {
      get remaining() {
        return rule.remaining;
      },
      cancel: () => {
        rule.remaining = 0;
      },
    };
  }

  private take<S extends VaultFaultMatch>(rules: Rule<S>[], r: Pick<VaultRequestRecord, 'method' | 'path' | 'operation'>): S | undefined {
    const rule = rules.find((x) => x.remaining > 0 && matches(x.spec, r));
    if (rule) rule.remaining--;
    return rule?.spec;
  }
}

/** Default wording of an injected failure. */
export function failureMessage(status: number, path: string): string {
  if (status === 429) return `request path "${path}": rate limit quota exceeded`;
  if (status === 503) return 'Vault is temporarily unavailable';
  if (status >= 500) return 'internal error';
  return `injected failure (HTTP ${status})`;
}

/** Creates an empty request log (the oldest half goes past `limit`). */
export function createRequestLog(limit: number): VaultRequestLog & { add(r: VaultRequestRecord): void } {
  return boundedLog<VaultRequestRecord, VaultRequestFilter>(
    limit,
    (r, m) =>
      (m.method === undefined || m.method.toUpperCase() === r.method.toUpperCase()) &&
      (m.path === undefined || r.path.startsWith(m.path.replace(/^\/+/, ''))) &&
      (m.operation === undefined || m.operation === r.operation) &&
      (m.status === undefined || m.status === r.status) &&
      (m.faulted === undefined || (r.fault !== undefined) === m.faulted),
  );
}
