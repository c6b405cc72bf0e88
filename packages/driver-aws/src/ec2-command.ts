/** Sending any EC2 command as a `ResultAsync` (internal). */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { DriverError } from '@kubeception/sdk/cluster';
import { ResultAsync } from 'neverthrow';
import { toDriverError } from './ec2-errors.js';

/** Any EC2 command (e.g. a `CreateVpcCommand`): what every command of the client has. */
export interface Ec2Command {
  readonly input: object;
}

/** What `EC2Client.send` takes. */
type Sendable = Parameters<EC2Client['send']>[0];

/**
 * Sends `command`; a thrown SDK error becomes a `DriverError` (see `toDriverError`). Each command
 * class is a `Sendable`, but no union or generic over them is (the middleware stack's types are
 * invariant in the command's input and output), so the one widening cast is here.
 */
export function sendEc2(ec2: EC2Client, command: Ec2Command): ResultAsync<unknown, DriverError> {
  return ResultAsync.fromThrowable(() => ec2.send(command as Sendable), toDriverError)();
}
