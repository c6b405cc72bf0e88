/** CreateTags, DeleteTags, DescribeTags (internal). */
import { type Action, type ActionContext, applyTags, checkTag, RETURN_TRUE } from './context.js';
import { Ec2Error, missing, notFound, type NounType } from './errors.js';
import { checkFilters, type FilterTable, matches, paginate } from './filters.js';
import { PREFIXES, type Resource, RESOURCE_TYPES, type ResourceType } from './model.js';
import { filtersOf, tagsOf } from './params.js';

function typeOfId(id: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => id.startsWith(`${PREFIXES[t]}-`));
}

function resolve(ctx: ActionContext, ids: readonly string[]): Resource[] {
  if (ids.length === 0) throw missing('ResourceId');
  return ids.map((id) => {
    const type = typeOfId(id);
    if (!type) throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
    const found = ctx.region.find(type, id);
    if (!found) throw notFound(type as NounType, [id]);
    return found;
  });
}

const createTags: Action = (ctx) => {
  const resources = resolve(ctx, ctx.params.list('ResourceId'));
  const tags = tagsOf(ctx.params).map(({ key, value }): [string, string] => [key, value ?? '']);
  if (tags.length === 0) throw missing('Tag');
  for (const [key, value] of tags) checkTag(key, value);
  for (const r of resources) applyTags(r.tags, tags);
  return RETURN_TRUE;
};

const deleteTags: Action = (ctx) => {
  const resources = resolve(ctx, ctx.params.list('ResourceId'));
  const tags = tagsOf(ctx.params);
  for (const r of resources) {
    if (tags.length === 0) r.tags.clear();
    for (const { key, value } of tags) if (value === undefined || r.tags.get(key) === value) r.tags.delete(key);
  }
  return RETURN_TRUE;
};

interface TagRow {
  readonly resourceId: string;
  readonly resourceType: ResourceType;
  readonly key: string;
  readonly value: string;
}

const TAG_FILTERS: FilterTable<TagRow> = {
  key: (t) => t.key,
  value: (t) => t.value,
  'resource-id': (t) => t.resourceId,
  'resource-type': (t) => t.resourceType,
};

const describeTags: Action = (ctx) => {
  const filters = filtersOf(ctx.params);
  checkFilters(filters, TAG_FILTERS);
  const rows: TagRow[] = [];
  for (const r of ctx.region.resources.values()) {
    if (r.hiddenFor > 0) continue;
    for (const [key, value] of r.tags) rows.push({ resourceId: r.id, resourceType: r.type, key, value });
  }
  const found = rows.filter((row) => matches(row, new Map([[row.key, row.value]]), filters, TAG_FILTERS));
  const { page, nextToken } = paginate(found, ctx.params);
  return { tagSet: page.map((t) => ({ resourceId: t.resourceId, resourceType: t.resourceType, key: t.key, value: t.value })), nextToken };
};

/** The tag actions by name. */
export const tagActions: Readonly<Record<string, Action>> = {
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeTags: describeTags,
};
