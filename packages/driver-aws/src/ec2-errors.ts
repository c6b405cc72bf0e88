/** EC2 failures as driver errors: the one place SDK exceptions become values. */
import type { DriverError } from '@kubeception/sdk/cluster';

const TRANSIENT =
  /^(RequestLimitExceeded|Throttling|ThrottlingException|InternalError|InternalFailure|ServiceUnavailable|Unavailable|DependencyViolation|IncorrectState|.*\.NotFound)$/;
const INVALID = /^(InvalidParameter.*|InvalidAMIID\..*|Unsupported.*|InvalidSubnet\.Range|InvalidVpc\.Range|InvalidInstanceType|MissingParameter)$/;
const QUOTA = /^(InstanceLimitExceeded|VcpuLimitExceeded|VpcLimitExceeded|.*LimitExceeded)$/;

/** The EC2 error code of an SDK exception (`e.name`), or `undefined` for a network failure. */
export function ec2Code(thrown: unknown): string | undefined {
  const meta = (thrown as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return meta?.httpStatusCode === undefined ? undefined : (thrown as Error).name;
}

/** Converts what an EC2 call threw. */
export function toDriverError(thrown: unknown): DriverError {
  const code = ec2Code(thrown) ?? 'NetworkError';
  const message = `${code}: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
  if (INVALID.test(code)) return { kind: 'InvalidSpec', message, terminal: true, cause: thrown };
  if (code === 'UnauthorizedOperation' || code === 'AuthFailure') return { kind: 'Failed', message, terminal: true, cause: thrown };
  if (QUOTA.test(code) && code !== 'RequestLimitExceeded') return { kind: 'QuotaExceeded', message, terminal: true, cause: thrown };
  if (TRANSIENT.test(code) || code === 'NetworkError') return { kind: 'Transient', message, cause: thrown };
  return { kind: 'Failed', message, cause: thrown };
}
