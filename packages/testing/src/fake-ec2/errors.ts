/**
 * EC2's error answers (internal): a code, EC2's wording and an HTTP status. Codes and messages
 * follow what EC2 sends (checked against public error reports); see the README for the few whose
 * exact wording is a best guess.
 */

/** An error answer: `<Response><Errors><Error><Code>` with an HTTP status. */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** What `InvalidXxxID.NotFound` and `DependencyViolation` say about each resource type. */
const NOUNS = {
  vpc: { code: 'InvalidVpcID', noun: 'vpc' },
  subnet: { code: 'InvalidSubnetID', noun: 'subnet' },
  'internet-gateway': { code: 'InvalidInternetGatewayID', noun: 'internetGateway' },
  'route-table': { code: 'InvalidRouteTableID', noun: 'routeTable' },
  'security-group': { code: 'InvalidGroup', noun: 'security group' },
  instance: { code: 'InvalidInstanceID', noun: 'instance' },
  image: { code: 'InvalidAMIID', noun: 'image' },
} as const;

/** Resource types with NotFound wording. */
export type NounType = keyof typeof NOUNS;

/** `InvalidVpcID.NotFound: The vpc ID 'vpc-1' does not exist` (instances: plural for several IDs). */
export function notFound(type: NounType, ids: readonly string[]): Ec2Error {
  const { code, noun } = NOUNS[type];
  if (type === 'security-group') return new Ec2Error('InvalidGroup.NotFound', `The security group '${ids[0]}' does not exist`);
  if (type === 'image') return new Ec2Error('InvalidAMIID.NotFound', `The image id '[${ids.join(', ')}]' does not exist`);
  if (ids.length > 1) return new Ec2Error(`${code}.NotFound`, `The ${noun} IDs '${ids.join(', ')}' do not exist`);
  return new Ec2Error(`${code}.NotFound`, `The ${noun} ID '${ids[0]}' does not exist`);
}

/** `InvalidInstanceID.Malformed: Invalid id: "x"` and the like. */
export function malformed(type: NounType, id: string, prefix: string): Ec2Error {
  const code = type === 'security-group' ? 'InvalidGroupId' : NOUNS[type].code;
  return new Ec2Error(`${code}.Malformed`, type === 'instance' ? `Invalid id: "${id}"` : `Invalid id: "${id}" (expecting "${prefix}-...")`);
}

/** `DependencyViolation` with EC2's wording for the resource type. */
export function dependencyViolation(type: 'vpc' | 'subnet' | 'internet-gateway' | 'route-table' | 'security-group', id: string): Ec2Error {
  if (type === 'security-group') return new Ec2Error('DependencyViolation', `resource ${id} has a dependent object`);
  return new Ec2Error('DependencyViolation', `The ${NOUNS[type].noun} '${id}' has dependencies and cannot be deleted.`);
}

/** `MissingParameter: The request must contain the parameter X`. */
export function missing(name: string): Ec2Error {
  return new Ec2Error('MissingParameter', `The request must contain the parameter ${name}`);
}

/** `InvalidParameterValue` with a message. */
export function invalidValue(message: string): Ec2Error {
  return new Ec2Error('InvalidParameterValue', message);
}

/** `InvalidParameterValue: Value (x) for parameter cidrBlock is invalid. This is not a valid CIDR block.` */
export function invalidCidr(value: string, parameter = 'cidrBlock'): Ec2Error {
  return invalidValue(`Value (${value}) for parameter ${parameter} is invalid. This is not a valid CIDR block.`);
}

/** The default wording of an injected failure by status. */
export function injectedError(status: number, code?: string, message?: string): Ec2Error {
  if (code === 'RequestLimitExceeded' || (code === undefined && status === 429))
    return new Ec2Error('RequestLimitExceeded', message ?? 'Request limit exceeded.', status);
  if (code !== undefined) return new Ec2Error(code, message ?? code, status);
  if (status === 503) return new Ec2Error('Unavailable', message ?? 'The service is unavailable. Please try again shortly.', 503);
  if (status >= 500) return new Ec2Error('InternalError', message ?? 'An internal error has occurred', status);
  return new Ec2Error('InvalidRequest', message ?? 'The request received was invalid', status);
}
