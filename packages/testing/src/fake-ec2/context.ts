/** What an action handler gets, and helpers shared by the actions (internal). */
import { Ec2Error, invalidValue, malformed, notFound, type NounType } from './errors.js';
import type { FakeEc2Image } from './catalog.js';
import type { InstanceDelays } from './instance-lifecycle.js';
import { PREFIXES, type RegionState, type Resource, type ResourceType } from './model.js';
import type { Params } from './params.js';
import type { XmlObject, XmlValue } from './xml.js';

/** Resolved options the actions read. */
export interface Settings {
  readonly accountId: string;
  readonly regions: Readonly<Record<string, readonly string[]>>;
  readonly delays: InstanceDelays;
  readonly images: readonly FakeEc2Image[];
  readonly instanceTypes: ReadonlySet<string>;
}

/** One request as an action sees it. */
export interface ActionContext {
  readonly params: Params;
  readonly region: RegionState;
  readonly settings: Settings;
  /** The fake's clock at arrival (ms). */
  readonly now: number;
  /** How many Describe calls a resource created now stays invisible to (eventual consistency). */
  hiddenFor(type: ResourceType): number;
}

/** An action: reads the context, changes state, returns the response body (or throws `Ec2Error`). */
export type Action = (ctx: ActionContext) => XmlObject;

/** Looks a resource up by id (`Malformed` for a wrong prefix, `NotFound` when missing). */
export function lookup<T extends ResourceType>(ctx: ActionContext, type: T, id: string): Extract<Resource, { type: T }> {
  const prefix = PREFIXES[type];
  if (!id.startsWith(`${prefix}-`)) throw malformed(type as NounType, id, prefix);
  const found = ctx.region.find(type, id);
  if (!found) throw notFound(type as NounType, [id]);
  return found;
}

/** `<tagSet>` items. */
export function tagSet(tags: ReadonlyMap<string, string>): XmlValue[] {
  return [...tags].map(([key, value]) => ({ key, value }));
}

/** Validates one tag as EC2 does. */
export function checkTag(key: string, value: string): void {
  if (key === '') throw invalidValue('Tag key cannot be empty');
  if (key.length > 128) throw invalidValue(`Tag key exceeds the maximum length of 128 characters`);
  if (value.length > 256) throw invalidValue(`Tag value exceeds the maximum length of 256 characters`);
  if (key.toLowerCase().startsWith('aws:')) throw invalidValue(`Tag keys starting with 'aws:' are reserved for internal use`);
}

/** Adds tags to a resource, refusing more than 50. */
export function applyTags(target: Map<string, string>, tags: Iterable<readonly [string, string]>): void {
  for (const [key, value] of tags) {
    checkTag(key, value);
    if (!target.has(key) && target.size >= 50) throw new Ec2Error('TagLimitExceeded', 'The maximum number of Tags for a resource has been reached.');
    target.set(key, value);
  }
}

/**
 * Tags from `TagSpecification.N` for a resource created by this action. `accepted` are the
 * resource types the action allows; only `type`'s tags are returned (others are not modelled).
 */
export function tagsOnCreate(params: Params, type: ResourceType, accepted: readonly string[] = [type]): Map<string, string> {
  const tags = new Map<string, string>();
  for (const spec of params.members('TagSpecification')) {
    const resourceType = spec.get('ResourceType') ?? '';
    if (!accepted.includes(resourceType)) throw invalidValue(`'${resourceType}' is not a valid taggable resource type for this operation.`);
    const pairs = spec.members('Tag').map((t): [string, string] => [t.get('Key') ?? '', t.get('Value') ?? '']);
    if (pairs.length === 0) throw invalidValue('Tag specification must have at least one tag');
    if (resourceType === type) applyTags(tags, pairs);
  }
  return tags;
}

/**
 * The resources of a Describe call: by ids (each must exist and be visible) or all visible ones;
 * then every hidden resource of the type moves one call closer to visibility.
 */
export function visible<T extends ResourceType>(ctx: ActionContext, type: T, ids: readonly string[]): Extract<Resource, { type: T }>[] {
  const all = ctx.region.list(type);
  try {
    if (ids.length === 0) return all.filter((r) => r.hiddenFor <= 0);
    const missing = ids.filter((id) => {
      const r = ctx.region.find(type, id);
      return !r || r.hiddenFor > 0;
    });
    if (missing.length > 0) {
      const bad = missing.find((id) => !id.startsWith(`${PREFIXES[type]}-`));
      if (bad !== undefined) throw malformed(type as NounType, bad, PREFIXES[type]);
      throw notFound(type as NounType, missing);
    }
    const wanted = new Set(ids);
    return all.filter((r) => wanted.has(r.id));
  } finally {
    for (const r of all) if (r.hiddenFor > 0) r.hiddenFor--;
  }
}

/** `<return>true</return>`. */
export const RETURN_TRUE: XmlObject = { return: true };
