/**
 * `ListOptions` of a watch, as kube-apiserver's `validateWatchOptions` checks them before the
 * watch starts (internal; lists: ./options.ts): `resourceVersionMatch` only with
 * `sendInitialEvents`, and then only `NotOlderThan`. The fake follows a server with the WatchList
 * feature on. Failures are a 422 of `ListOptions.meta.k8s.io`, answered instead of a stream; a
 * `resourceVersion` that is not a number is a 500 without a reason, as the storage's parse error
 * reaches the client.
 */
import { ApiError, goQuote, optionsInvalid } from './status.js';
import type { StatusCause } from './types.js';

const NOT_OLDER_THAN = 'NotOlderThan';
const forbidden = (message: string): StatusCause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${message}`, field: 'resourceVersionMatch' });

/** Throws the 422 a watch with these query parameters gets. */
export function checkWatchOptions(query: URLSearchParams): void {
  const rv = query.get('resourceVersion') ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) {
    const message = `resourceVersion: Invalid value: ${goQuote(rv)}: strconv.ParseUint: parsing ${goQuote(rv)}: invalid syntax`;
    throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
  }
  const match = query.get('resourceVersionMatch') ?? '';
  const sendInitialEvents = query.get('sendInitialEvents');
  const errs: StatusCause[] = [];
  if (sendInitialEvents !== null && match !== NOT_OLDER_THAN)
    errs.push(forbidden(`sendInitialEvents requires setting resourceVersionMatch to ${NOT_OLDER_THAN}`));
  if (match !== '') {
    if (sendInitialEvents === null) errs.push(forbidden('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== NOT_OLDER_THAN)
      errs.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${goQuote(match)}: supported values: "${NOT_OLDER_THAN}"`,
        field: 'resourceVersionMatch',
      });
    if ((query.get('continue') ?? '') !== '') errs.push(forbidden('resourceVersionMatch is forbidden when continue is provided'));
  }
  if (errs.length > 0) throw optionsInvalid('ListOptions', errs);
}
