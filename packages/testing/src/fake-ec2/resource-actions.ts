/**
 * The shapes the resource actions share (internal): a new resource's common fields, a
 * `Describe<Type>s` action over ids, `Filter.N` and pagination, and a `Delete<Type>` action that
 * refuses while the resource is in use.
 */
import { type Action, type ActionContext, lookup, RETURN_TRUE, tagsOnCreate, visible } from './context.js';
import { dependencyViolation } from './errors.js';
import { checkFilters, type FilterTable, matches, paginate } from './filters.js';
import { newId, PREFIXES, type Resource, type ResourceType } from './model.js';
import { filtersOf } from './params.js';
import type { XmlObject } from './xml.js';

type Of<T extends ResourceType> = Extract<Resource, { type: T }>;

/** The resource types with a `DependencyViolation` wording. */
type Deletable = Parameters<typeof dependencyViolation>[0];

/** The fields every resource starts with: a new id, tags, creation time and eventual-consistency blindness. */
export function newResource<T extends ResourceType>(
  ctx: ActionContext,
  type: T,
  tags: Map<string, string> = tagsOnCreate(ctx.params, type),
): { type: T; id: string; tags: Map<string, string>; createdAt: number; hiddenFor: number } {
  return { type, id: newId(PREFIXES[type]), tags, createdAt: ctx.now, hiddenFor: ctx.hiddenFor(type) };
}

/** What a `Describe<Type>s` action reads and answers. */
export interface DescribeSpec<T extends ResourceType> {
  readonly type: T;
  /** The id list parameter (`VpcId` for `VpcId.N`). */
  readonly idParam: string;
  /** The answer's list element (`vpcSet`). */
  readonly set: string;
  /** The filter names besides `owner-id` and the tag filters. */
  readonly filters: FilterTable<Of<T>>;
  /** One resource as the answer shows it. */
  readonly render: (ctx: ActionContext, resource: Of<T>) => XmlObject;
  /** Narrows the visible resources before `Filter.N` (security groups by `GroupName.N`). @default all of them */
  readonly narrow?: (ctx: ActionContext, found: Of<T>[]) => Of<T>[];
}

/** `Describe<Type>s`: the visible resources (by ids or all), filtered, one page of them. */
export function describeAction<T extends ResourceType>(spec: DescribeSpec<T>): Action {
  return (ctx) => {
    const filters = filtersOf(ctx.params);
    const table: FilterTable<Of<T>> = { ...spec.filters, 'owner-id': () => ctx.settings.accountId };
    checkFilters(filters, table);
    const found = visible(ctx, spec.type, ctx.params.list(spec.idParam));
    const narrowed = spec.narrow ? spec.narrow(ctx, found) : found;
    const { page, nextToken } = paginate(
      narrowed.filter((r) => matches(r, r.tags, filters, table)),
      ctx.params,
    );
    return { [spec.set]: page.map((r) => spec.render(ctx, r)), nextToken };
  };
}

/** What a `Delete<Type>` action checks and cleans up. */
export interface DeleteSpec<T extends Deletable> {
  readonly type: T;
  /** The id parameter (`VpcId`). */
  readonly idParam: string;
  /** Whether something still depends on the resource (then `DependencyViolation`). */
  readonly inUse: (ctx: ActionContext, resource: Of<T>) => boolean;
  /** What goes with the resource (its main route table, associations...). @default nothing */
  readonly cleanup?: (ctx: ActionContext, resource: Of<T>) => void;
}

/** `Delete<Type>`: looks the resource up, refuses while it is in use, cleans up and forgets it. */
export function deleteAction<T extends Deletable>(spec: DeleteSpec<T>): Action {
  return (ctx) => {
    const id = ctx.params.required(spec.idParam);
    const resource = lookup(ctx, spec.type, id);
    if (spec.inUse(ctx, resource)) throw dependencyViolation(spec.type, id);
    spec.cleanup?.(ctx, resource);
    ctx.region.resources.delete(id);
    return RETURN_TRUE;
  };
}
