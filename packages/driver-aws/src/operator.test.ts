/**
 * The aws-operator's assembly, without a server (it runs against the fakes in
 * `examples/aws-operator` and the AWS test world).
 */
import { describe, expect, it } from 'vitest';
import { ec2Clients } from './ec2-clients.js';
import { AWS_OPERATOR, awsOperatorControllers } from './operator.js';

describe('awsOperatorControllers', () => {
  it('is the Cluster controller, named aws-operator unless told', () => {
    expect(awsOperatorControllers().map((c) => c.name)).toEqual([AWS_OPERATOR]);
    expect(awsOperatorControllers({ name: 'mine', ec2: ec2Clients().forRegion }).map((c) => c.name)).toEqual(['mine']);
  });
});
