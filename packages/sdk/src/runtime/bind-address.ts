/**
 * Bind addresses as controller-runtime writes them (`--metrics-bind-address`,
 * `--health-probe-bind-address`): `host:port`, `:port` for every interface, `[v6]:port`, and `0`
 * for "do not serve".
 */
import { err, ok, type Result } from 'neverthrow';

/** Where an HTTP endpoint listens. */
export interface ListenAddress {
  /** The interface; `0.0.0.0` when the address names none. */
  readonly host: string;
  /** The port; 0 asks for any free one. */
  readonly port: number;
}

/** A bind address that is not one: the message says why. */
export interface BindAddressError {
  /** The error's kind. */
  readonly kind: 'invalid-bind-address';
  /** The address, and what a bind address looks like. */
  readonly message: string;
}

/**
 * Parses a bind address: `false` for `0` (disabled, as controller-runtime), else where to listen.
 *
 * @example
 * ```ts
 * parseBindAddress(':8080'); // ok({ host: '0.0.0.0', port: 8080 })
 * parseBindAddress('127.0.0.1:0'); // ok({ host: '127.0.0.1', port: 0 }): any free port
 * parseBindAddress('0'); // ok(false): not served
 * ```
 */
export function parseBindAddress(address: string): Result<ListenAddress | false, BindAddressError> {
  if (address === '0') return ok(false);
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || port > 65_535) {
    return err({ kind: 'invalid-bind-address', message: `${JSON.stringify(address)} is not a bind address: host:port, :port, [v6]:port or 0 (disabled)` });
  }
  return ok({ host: match[1] ?? (match[2] || '0.0.0.0'), port });
}
