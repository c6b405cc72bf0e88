/**
 * What IAM is asked when an EC2 call is made: the resources each action authorizes and the
 * context keys of each (the Service Authorization Reference, "Actions, resources, and condition
 * keys for Amazon EC2", for the actions the AWS driver uses):
 *
 * - An existing resource is authorized with its ARN and its tags as `aws:ResourceTag/<key>`.
 * - A resource being created is authorized with the tags of its `TagSpecification` as
 *   `aws:RequestTag/<key>` and `aws:TagKeys`, and, when tagged, once more as `ec2:CreateTags`
 *   with `ec2:CreateAction` = the creating action (tag-on-create).
 * - `Describe*` calls support no resource-level permissions: they are authorized on `*`.
 *
 * An action not modelled here throws: a new EC2 call in the driver must be added here (and to
 * the policy) before the tests pass.
 */
import type { AuthorizationRequest, RequestContext } from './iam-policy.js';

/** An EC2 call as the SDK sends it: `CreateSubnet` with the command's input. */
export interface Ec2Call {
  readonly action: string;
  readonly region: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** What the tests know of the account: an existing resource's tags, by id. */
export type TagsOf = (id: string) => Readonly<Record<string, string>> | undefined;

type Tags = readonly { readonly Key?: string; readonly Value?: string }[];
type Input = Readonly<Record<string, unknown>>;

const str = (input: Input, field: string): string | undefined => (typeof input[field] === 'string' ? input[field] : undefined);
const strs = (input: Input, field: string): readonly string[] => (Array.isArray(input[field]) ? (input[field] as unknown[]).filter((v): v is string => typeof v === 'string') : []);

/** The authorization requests one EC2 call makes in `account`. */
export function authorizationsOf(call: Ec2Call, account: string, tagsOf: TagsOf): AuthorizationRequest[] {
  const action = `ec2:${call.action}`;
  const input = call.input;
  const arn = (type: string, id: string) => `arn:aws:ec2:${call.region}:${account}:${type}/${id}`;
  /** An existing resource, with its tags. */
  const existing = (type: string, id: string | undefined): AuthorizationRequest[] =>
    id === undefined ? [] : [{ action, resource: arn(type, id), context: Object.fromEntries(Object.entries(tagsOf(id) ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v])) }];
  /** A resource this call creates, with the tags its TagSpecification gives it. */
  const created = (type: string): AuthorizationRequest[] => {
    const tags = ((input.TagSpecifications ?? []) as { ResourceType?: string; Tags?: Tags }[]).filter((s) => s.ResourceType === type).flatMap((s) => s.Tags ?? []);
    const context = requestTags(tags);
    const resource = arn(type, '*');
    const tagOnCreate = tags.length > 0 ? [{ action: 'ec2:CreateTags', resource, context: { ...context, 'ec2:CreateAction': call.action } }] : [];
    return [{ action, resource, context }, ...tagOnCreate];
  };

  switch (call.action) {
    case 'CreateVpc':
      return created('vpc');
    case 'CreateInternetGateway':
      return created('internet-gateway');
    case 'CreateSubnet':
      return [...created('subnet'), ...existing('vpc', str(input, 'VpcId'))];
    case 'CreateRouteTable':
      return [...created('route-table'), ...existing('vpc', str(input, 'VpcId'))];
    case 'CreateSecurityGroup':
      return [...created('security-group'), ...existing('vpc', str(input, 'VpcId'))];
    case 'RunInstances':
      return [
        ...created('instance'),
        ...created('volume'),
        ...created('network-interface'),
        ...existing('subnet', str(input, 'SubnetId')),
        ...strs(input, 'SecurityGroupIds').flatMap((id) => existing('security-group', id)),
        { action, resource: `arn:aws:ec2:${call.region}::image/${str(input, 'ImageId') ?? ''}`, context: {} },
        ...(str(input, 'KeyName') ? [{ action, resource: arn('key-pair', str(input, 'KeyName') ?? ''), context: {} }] : []),
      ];
    case 'CreateTags':
      return strs(input, 'Resources').flatMap((id) => existing(typeOf(id), id).map((r) => ({ ...r, context: { ...r.context, ...requestTags((input.Tags ?? []) as Tags) } })));
    case 'ModifyVpcAttribute':
    case 'DeleteVpc':
      return existing('vpc', str(input, 'VpcId'));
    case 'ModifySubnetAttribute':
    case 'DeleteSubnet':
      return existing('subnet', str(input, 'SubnetId'));
    case 'AttachInternetGateway':
    case 'DetachInternetGateway':
      return [...existing('internet-gateway', str(input, 'InternetGatewayId')), ...existing('vpc', str(input, 'VpcId'))];
    case 'DeleteInternetGateway':
      return existing('internet-gateway', str(input, 'InternetGatewayId'));
    case 'CreateRoute':
      return [...existing('route-table', str(input, 'RouteTableId')), ...existing('internet-gateway', str(input, 'GatewayId'))];
    case 'AssociateRouteTable':
      return [...existing('route-table', str(input, 'RouteTableId')), ...existing('subnet', str(input, 'SubnetId')), ...existing('internet-gateway', str(input, 'GatewayId'))];
    case 'DeleteRouteTable':
      return existing('route-table', str(input, 'RouteTableId'));
    case 'AuthorizeSecurityGroupIngress':
    case 'RevokeSecurityGroupIngress':
    case 'DeleteSecurityGroup':
      return existing('security-group', str(input, 'GroupId'));
    case 'TerminateInstances':
      return strs(input, 'InstanceIds').flatMap((id) => existing('instance', id));
    default:
      if (call.action.startsWith('Describe')) return [{ action, resource: '*', context: {} }];
      throw new Error(`ec2:${call.action} is not modelled in ec2-authorization.ts: add the resources it authorizes`);
  }
}

/** `aws:RequestTag/<key>` for each tag, and `aws:TagKeys`. */
function requestTags(tags: Tags): RequestContext {
  const context: Record<string, string | readonly string[]> = Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key ?? ''}`, t.Value ?? '']));
  return tags.length > 0 ? { ...context, 'aws:TagKeys': tags.map((t) => t.Key ?? '') } : context;
}

/** The resource type of an EC2 id (`vpc-…`, `subnet-…`, …). */
function typeOf(id: string): string {
  const prefixes: Readonly<Record<string, string>> = { vpc: 'vpc', subnet: 'subnet', igw: 'internet-gateway', rtb: 'route-table', sg: 'security-group', i: 'instance', vol: 'volume', eni: 'network-interface' };
  const type = prefixes[id.slice(0, id.lastIndexOf('-'))];
  if (!type) throw new Error(`unknown EC2 resource id ${id}`);
  return type;
}
