/** node-vault failures as {@link PkiError} values: the one place they are converted. */
import { pkiError, type PkiError } from '@kubeception/sdk';

const ROLE_VIOLATION = /not allowed by this role|are not allowed in this role|is not allowed by this role|exceeds the allowed|request is for a ttl/i;

/** Converts what a node-vault call rejected with. */
export function toPkiError(thrown: unknown): PkiError {
  const response = (thrown as { response?: { statusCode?: number; body?: { errors?: unknown[] } } }).response;
  const status = response?.statusCode;
  const message = firstError(response?.body) ?? (thrown instanceof Error ? thrown.message : String(thrown));
  if (status === undefined) return pkiError('Unavailable', `Vault unreachable: ${message}`, thrown);
  if (status === 503 && /sealed/i.test(message)) return pkiError('Sealed', message, thrown);
  if (status >= 500 || status === 429) return pkiError('Unavailable', message, thrown);
  if (status === 403) return pkiError('PermissionDenied', message, thrown);
  if (status === 404) return pkiError('NotFound', message, thrown);
  if (ROLE_VIOLATION.test(message)) return pkiError('RoleViolation', message, thrown);
  return pkiError('Invalid', message, thrown);
}

function firstError(body: { errors?: unknown[] } | undefined): string | undefined {
  const errors = body?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.map(String).join('; ');
}
