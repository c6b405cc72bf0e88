/**
 * Protobuf descriptors of k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto (internal), in the
 * notation every ./protobuf-messages-*.ts table uses: a message is field number → `json[:type][mark]`.
 * - `type`: `string` (the default), `int` (int32/int64 varints), `bool`, `bytes` (base64 in JSON),
 *   a special type of ./protobuf-decode.ts (`time`, `microTime`, `intOrString`,
 *   `quantity`, `fieldsV1`, `stringList`), or another message's name; `[type]` is a repeated field,
 *   `{type}` a map with string keys (entries: key=1, value=2).
 * - `mark`: `?` a Go pointer (written when set, even when zero), `!` a field without `omitempty`
 *   (written when zero); none: a value field whose zero value `encoding/json` leaves out.
 * - the JSON name `...` inlines the message's fields into the parent (`json:",inline"`).
 */

/** Descriptors by message name. */
export type MessageTable = Readonly<Record<string, Readonly<Record<number, string>>>>;

/** ObjectMeta and the meta/v1 messages the decoded kinds embed. */
export const META_MESSAGES: MessageTable = {
  ObjectMeta: {
    1: 'name',
    2: 'generateName',
    3: 'namespace',
    4: 'selfLink',
    5: 'uid',
    6: 'resourceVersion',
    7: 'generation:int',
    8: 'creationTimestamp:time',
    9: 'deletionTimestamp:time?',
    10: 'deletionGracePeriodSeconds:int?',
    11: 'labels:{string}',
    12: 'annotations:{string}',
    13: 'ownerReferences:[OwnerReference]',
    14: 'finalizers:[string]',
    17: 'managedFields:[ManagedFieldsEntry]',
  },
  OwnerReference: { 1: 'kind!', 3: 'name!', 4: 'uid!', 5: 'apiVersion!', 6: 'controller:bool?', 7: 'blockOwnerDeletion:bool?' },
  ManagedFieldsEntry: {
    1: 'manager',
    2: 'operation',
    3: 'apiVersion',
    4: 'time:time?',
    6: 'fieldsType',
    7: 'fieldsV1:fieldsV1?',
    8: 'subresource',
  },
  LabelSelector: { 1: 'matchLabels:{string}', 2: 'matchExpressions:[LabelSelectorRequirement]' },
  LabelSelectorRequirement: { 1: 'key!', 2: 'operator!', 3: 'values:[string]' },
  DeleteOptions: {
    1: 'gracePeriodSeconds:int?',
    2: 'preconditions:Preconditions?',
    3: 'orphanDependents:bool?',
    4: 'propagationPolicy?',
    5: 'dryRun:[string]',
    6: 'ignoreStoreReadErrorWithClusterBreakingPotential:bool?',
  },
  Preconditions: { 1: 'uid?', 2: 'resourceVersion?' },
  Condition: { 1: 'type!', 2: 'status!', 3: 'observedGeneration:int', 4: 'lastTransitionTime:time', 5: 'reason!', 6: 'message!' },
};
