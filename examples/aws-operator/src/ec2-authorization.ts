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
const strs = (input: Input, field: string): readonly string[] =>
  Array.isArray(input[field]) ? (input[field] as unknown[]).filter((v): v is string => typeof v === 'string') : [];

/** What a rule of {@link RULES} is given: the call, and the requests for the resources it names. */
interface CallScope {
  /** `ec2:<Action>`. */
  readonly action: string;
  readonly call: Ec2Call;
  readonly input: Input;
  /** The ARN of the resource of `type` and `id` in the call's region and account. */
  arn(type: string, id: string): string;
  /** An existing resource, with its tags (none when `id` is unset). */
  existing(type: string, id: string | undefined): AuthorizationRequest[];
  /** A resource this call creates, with the tags its TagSpecification gives it. */
  created(type: string): AuthorizationRequest[];
}

/** The requests of one action. */
type Rule = (scope: CallScope) => AuthorizationRequest[];

/** An action on existing resources: for each `[type, field]`, the resource of `type` whose id is the input's `field`. */
const on =
  (...targets: readonly (readonly [type: string, field: string])[]): Rule =>
  (s) =>
    targets.flatMap(([type, field]) => s.existing(type, str(s.input, field)));
/** An action creating a resource of `type` in the VPC the input names. */
const createdInVpc =
  (type: string): Rule =>
  (s) => [...s.created(type), ...on(['vpc', 'VpcId'])(s)];

/** A launch: the instance, its volume and interface, the subnet and groups it uses, its image and key pair. */
const runInstances: Rule = (s) => [
  ...s.created('instance'),
  ...s.created('volume'),
  ...s.created('network-interface'),
  ...s.existing('subnet', str(s.input, 'SubnetId')),
  ...strs(s.input, 'SecurityGroupIds').flatMap((id) => s.existing('security-group', id)),
  { action: s.action, resource: `arn:aws:ec2:${s.call.region}::image/${str(s.input, 'ImageId') ?? ''}`, context: {} },
  ...(str(s.input, 'KeyName') ? [{ action: s.action, resource: s.arn('key-pair', str(s.input, 'KeyName') ?? ''), context: {} }] : []),
];

/** Tagging existing resources: each with its tags, and the tags asked for. */
const createTags: Rule = (s) =>
  strs(s.input, 'Resources').flatMap((id) =>
    s.existing(typeOf(id), id).map((r) => ({ ...r, context: { ...r.context, ...requestTags((s.input.Tags ?? []) as Tags) } })),
  );

/** The resources each modelled action authorizes. */
const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['CreateVpc', (s) => s.created('vpc')],
  ['CreateInternetGateway', (s) => s.created('internet-gateway')],
  ['CreateSubnet', createdInVpc('subnet')],
  ['CreateRouteTable', createdInVpc('route-table')],
  ['CreateSecurityGroup', createdInVpc('security-group')],
  ['RunInstances', runInstances],
  ['CreateTags', createTags],
  ['ModifyVpcAttribute', on(['vpc', 'VpcId'])],
  ['DeleteVpc', on(['vpc', 'VpcId'])],
  ['ModifySubnetAttribute', on(['subnet', 'SubnetId'])],
  ['DeleteSubnet', on(['subnet', 'SubnetId'])],
  ['AttachInternetGateway', on(['internet-gateway', 'InternetGatewayId'], ['vpc', 'VpcId'])],
  ['DetachInternetGateway', on(['internet-gateway', 'InternetGatewayId'], ['vpc', 'VpcId'])],
  ['DeleteInternetGateway', on(['internet-gateway', 'InternetGatewayId'])],
  ['CreateRoute', on(['route-table', 'RouteTableId'], ['internet-gateway', 'GatewayId'])],
  ['AssociateRouteTable', on(['route-table', 'RouteTableId'], ['subnet', 'SubnetId'], ['internet-gateway', 'GatewayId'])],
  ['DeleteRouteTable', on(['route-table', 'RouteTableId'])],
  ['AuthorizeSecurityGroupIngress', on(['security-group', 'GroupId'])],
  ['RevokeSecurityGroupIngress', on(['security-group', 'GroupId'])],
  ['DeleteSecurityGroup', on(['security-group', 'GroupId'])],
  ['TerminateInstances', (s) => strs(s.input, 'InstanceIds').flatMap((id) => s.existing('instance', id))],
]);

/** The authorization requests one EC2 call makes in `account`. */
export function authorizationsOf(call: Ec2Call, account: string, tagsOf: TagsOf): AuthorizationRequest[] {
  const scope = callScope(call, account, tagsOf);
  const rule = RULES.get(call.action);
  if (rule !== undefined) return rule(scope);
  if (call.action.startsWith('Describe')) return [{ action: scope.action, resource: '*', context: {} }];
  throw new Error(`ec2:${call.action} is not modelled in ec2-authorization.ts: add the resources it authorizes`);
}

/** The scope of `call` in `account`: resources by ARN, existing ones with the tags `tagsOf` knows. */
function callScope(call: Ec2Call, account: string, tagsOf: TagsOf): CallScope {
  const action = `ec2:${call.action}`;
  const input = call.input;
  const arn = (type: string, id: string) => `arn:aws:ec2:${call.region}:${account}:${type}/${id}`;
  return {
    action,
    call,
    input,
    arn,
    existing: (type, id) =>
      id === undefined
        ? []
        : [{ action, resource: arn(type, id), context: Object.fromEntries(Object.entries(tagsOf(id) ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v])) }],
    created: (type) => {
      const tags = ((input.TagSpecifications ?? []) as { ResourceType?: string; Tags?: Tags }[])
        .filter((s) => s.ResourceType === type)
        .flatMap((s) => s.Tags ?? []);
      const context = requestTags(tags);
      const resource = arn(type, '*');
      const tagOnCreate = tags.length > 0 ? [{ action: 'ec2:CreateTags', resource, context: { ...context, 'ec2:CreateAction': call.action } }] : [];
      return [{ action, resource, context }, ...tagOnCreate];
    },
  };
}

/** `aws:RequestTag/<key>` for each tag, and `aws:TagKeys`. */
function requestTags(tags: Tags): RequestContext {
  const context: Record<string, string | readonly string[]> = Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key ?? ''}`, t.Value ?? '']));
  return tags.length > 0 ? { ...context, 'aws:TagKeys': tags.map((t) => t.Key ?? '') } : context;
}

/** The resource type of an EC2 id (`vpc-…`, `subnet-…`, …). */
function typeOf(id: string): string {
  const prefixes: Readonly<Record<string, string>> = {
    vpc: 'vpc',
    subnet: 'subnet',
    igw: 'internet-gateway',
    rtb: 'route-table',
    sg: 'security-group',
    i: 'instance',
    vol: 'volume',
    eni: 'network-interface',
  };
  const type = prefixes[id.slice(0, id.lastIndexOf('-'))];
  if (!type) throw new Error(`unknown EC2 resource id ${id}`);
  return type;
}
