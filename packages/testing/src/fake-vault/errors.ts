/** Vault's error format: `{"errors":[...]}` with a status code (internal). */

/** Policy denial with a valid token, as Vault words it. */
export const PERMISSION_DENIED = '1 error occurred:\n\t* permission denied\n\n';
/** A missing, expired or revoked token, as Vault words it. */
export const INVALID_TOKEN = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';

/** An error answer: HTTP status and Vault's `errors` list. */
export class VaultError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly string[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(errors[0] ?? `HTTP ${status}`);
  }

  /** 400 with one message (Vault's `logical.ErrorResponse` + `ErrInvalidRequest`). */
  static badRequest(message: string): VaultError {
    return new VaultError(400, [message]);
  }

  /** 403 `permission denied`. */
  static denied(message = PERMISSION_DENIED): VaultError {
    return new VaultError(403, [message]);
  }

  /** 404 with an empty errors list (a read of something that does not exist). */
  static notFound(): VaultError {
    return new VaultError(404, []);
  }

  /** 404 for a path no backend serves. */
  static noRoute(path: string): VaultError {
    return new VaultError(404, [`no handler for route "${path}". route entry not found.`]);
  }

  /** 405 for an operation a path does not support. */
  static unsupported(): VaultError {
    return new VaultError(405, ['unsupported operation']);
  }

  /** 503 `Vault is sealed`. */
  static sealed(): VaultError {
    return new VaultError(503, ['Vault is sealed']);
  }
}
