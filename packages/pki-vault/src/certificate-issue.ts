/**
 * The Certificate controller's steps (internal): issue into the Certificate's own Secret and
 * record it, or confirm the certificate there is still good; on deletion revoke and delete only
 * its own Secret.
 */
import {
  ConditionType,
  PkiErrorKind,
  Reason,
  formatDuration,
  type Certificate,
  type CertificateAuthority,
  type CertificateInput,
  type IssuedCertificate,
  type PkiBackend,
  type Persisted,
} from '@kubeception/sdk';
import type { KubeError, Secret } from '@kubeception/sdk/kube';
import { done, patchConditions, requeueAfter, type Action, type ReconcileContext } from '@kubeception/sdk/runtime';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { sameCertificate } from './chain.js';
import { checkRequest, notAsAsked } from './certificate-request.js';
import { branch, notReady, reportPkiError, type PkiControllerError } from './conditions.js';
import { deleteOwnSecret, secretData, secretPems, writeSecret, type SecretWriteError } from './certificate-secret.js';
import type { SecretChecks } from './certificate-secret-check.js';
import { cachedSecretMetadata } from './certificate-secret-cache.js';
import { coordinates } from './pki-index.js';
import { PkiReason } from './reasons.js';
import { checkPems, renewalTime, ttlWithin } from './renewal.js';

/** The reconcile context of the Certificate controller. */
export type Ctx = ReconcileContext<Certificate, CertificateInput>;
type Ca = Persisted<CertificateAuthority>;
type Cert = Persisted<Certificate>;

/** What the steps need besides the object. */
export interface IssueDeps {
  readonly pki: PkiBackend;
  readonly now: () => Date;
  /** The Secrets checked against their CA's root. */
  readonly checks: SecretChecks;
}

/** One issue of a certificate: for whom, from which CA, into which Secret, and why. */
export interface Issuance {
  readonly cert: Cert;
  readonly ctx: Ctx;
  /** The Ready CA of the Certificate's cluster. */
  readonly ca: Ca;
  /** The Certificate's Secret, when it exists (it is the Certificate's own). */
  readonly secret: Persisted<Secret> | undefined;
  /** What made the issue necessary (see `issueReason`). */
  readonly why: string;
}

/** How long a Certificate whose issue Vault answered from another root waits before looking again. */
const AUTHORITY_RECHECK_MS = 30_000;

const kubeError = (cause: KubeError): PkiControllerError => ({ kind: 'Kube', cause });

function recordIssued(cert: Cert, ctx: Ctx, issued: IssuedCertificate, at: Date, why: string) {
  const renewal = renewalTime(cert, issued.notAfter);
  const ready = {
    type: ConditionType.Ready,
    status: 'True',
    reason: Reason.AsExpected,
    message: `certificate ${issued.serialNumber} valid until ${issued.notAfter}`,
  } as const;
  const facts = {
    observedGeneration: cert.metadata.generation,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    renewalTime: renewal.toISOString(),
    serialNumber: issued.serialNumber,
    lastRotation: at.toISOString(),
  };
  return patchConditions<Certificate>(ctx.client, cert, [ready], facts)
    .andThen(() =>
      ResultAsync.fromSafePromise(ctx.events.record(cert, { type: 'Normal', reason: 'Issued', message: `issued certificate ${issued.serialNumber} (${why})` })),
    )
    .map(() => requeueAfter(Math.max(1000, renewal.getTime() - at.getTime())))
    .mapErr(kubeError);
}

/** Revokes a certificate nobody got (its key is dropped here) and reports why. */
function refuseIssued(deps: IssueDeps, cert: Cert, ctx: Ctx, issued: IssuedCertificate, message: string) {
  return deps.pki
    .revoke(coordinates(cert), issued.serialNumber)
    .orElse((e) => {
      ctx.log.warn(
        { serialNumber: issued.serialNumber, error: e.message },
        'could not revoke a certificate issued with another subject than asked (its key was never stored)',
      );
      return okAsync<void, never>(undefined);
    })
    .andThen(() => notReady(cert, ctx, PkiErrorKind.RoleViolation, message))
    .map(() => done());
}

/** Remembers the Secret just written as checked against the CA's root (checked here, from what was written), so its next pass reads nothing. */
function rememberWritten(deps: IssueDeps, issued: IssuedCertificate, caPem: string): void {
  const data = secretData(issued);
  const check = checkPems(secretPems({ data }), caPem);
  if (check !== undefined) deps.checks.written(data, caPem, check);
}

/** Writes what Vault issued into the Certificate's own Secret, unless Vault signed with another root than the CA reports or gave another subject than asked. */
function store(deps: IssueDeps, job: Issuance, issued: IssuedCertificate, at: Date) {
  const { cert, ctx, ca, secret, why } = job;
  if (!sameCertificate(issued.caCertificate, ca.status?.certificate ?? '')) {
    const message = `Vault issued from another root than CertificateAuthority ${ca.metadata.name} reports; waiting for it to report the new root`;
    return notReady(cert, ctx, PkiReason.AuthorityChanged, message).map(() => requeueAfter(AUTHORITY_RECHECK_MS));
  }
  const mismatch = notAsAsked(cert, issued);
  if (mismatch !== undefined) return refuseIssued(deps, cert, ctx, issued, mismatch);
  return writeSecret(ctx.kube, cert, secret, issued)
    .andTee(() => rememberWritten(deps, issued, ca.status?.certificate ?? ''))
    .andThen(() => recordIssued(cert, ctx, issued, at, why))
    .orElse((e: SecretWriteError | PkiControllerError) =>
      e.kind === 'SecretConflict' ? notReady(cert, ctx, PkiReason.SecretConflict, e.message).map(() => done()) : errAsync(e),
    );
}

/**
 * Issues `job` from the CA of the Certificate's namespace (`job.why` says what made it necessary), after
 * refusing what the CA cannot give as asked (a lifetime, organizations: `checkRequest`).
 */
export function issue(deps: IssueDeps, job: Issuance): ResultAsync<Action, PkiControllerError> {
  const { cert, ctx, ca } = job;
  return checkRequest(cert, ca).match(
    () => issueChecked(deps, job),
    (refusal) => notReady(cert, ctx, refusal.reason, refusal.message).map(() => done()),
  );
}

function issueChecked(deps: IssueDeps, job: Issuance): ResultAsync<Action, PkiControllerError> {
  const { cert, ctx, ca, why } = job;
  const at = deps.now();
  const ttl = ttlWithin(cert, ca.status?.notAfter ?? '', at);
  if (ttl === undefined)
    return notReady(
      cert,
      ctx,
      PkiReason.CAExpiring,
      `the CA expires at ${ca.status?.notAfter}: a new certificate would not outlive renewBefore; rotate the CA`,
    ).map(() => done());
  ctx.log.info({ reason: why }, 'issuing certificate');
  const { role, commonName, dnsNames, ipAddresses } = cert.spec;
  const request = { cluster: coordinates(cert), role, commonName, dnsNames, ipAddresses, ttl: formatDuration(ttl) };
  return branch(
    deps.pki.issue(request),
    (issued) => store(deps, job, issued, at),
    (error) => reportPkiError(cert, ctx, error),
  );
}

/** Nothing to issue: the certificate in the Secret is good, so the Certificate is Ready (again, after a CA outage). */
export function keepReady(deps: IssueDeps, cert: Cert, ctx: Ctx) {
  const renewal = renewalTime(cert, cert.status?.notAfter ?? '');
  const ready = {
    type: ConditionType.Ready,
    status: 'True',
    reason: Reason.AsExpected,
    message: `certificate ${cert.status?.serialNumber} valid until ${cert.status?.notAfter}`,
  } as const;
  return patchConditions<Certificate>(ctx.client, cert, [ready])
    .map(() => requeueAfter(Math.max(1000, renewal.getTime() - deps.now().getTime())))
    .mapErr(kubeError);
}

/** On deletion: revokes the certificate, then deletes the Secret if (and only if) it is this Certificate's. */
export function cleanup(deps: IssueDeps, cert: Cert, ctx: Ctx) {
  const serial = cert.status?.serialNumber;
  const revoked =
    serial === undefined
      ? okAsync<void, never>(undefined)
      : deps.pki.revoke(coordinates(cert), serial).orElse((e) => (e.kind === 'NotFound' || e.kind === 'Invalid' ? okAsync(undefined) : errAsync(e)));
  const secret = cachedSecretMetadata(ctx, cert);
  return branch(
    revoked,
    () =>
      deleteOwnSecret(ctx.kube, cert, secret)
        .map(() => done())
        .mapErr(kubeError),
    (error) => reportPkiError(cert, ctx, error),
  );
}
