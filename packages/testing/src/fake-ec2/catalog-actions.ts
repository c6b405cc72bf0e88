/** DescribeAvailabilityZones, DescribeRegions, DescribeImages: the fixed catalogue (internal). */
import { type FakeEc2Image, imageId, zoneId } from './catalog.js';
import type { Action } from './context.js';
import { invalidValue, malformed, notFound } from './errors.js';
import { checkFilters, type FilterTable, matches, paginate } from './filters.js';
import { filtersOf } from './params.js';

interface Zone {
  readonly name: string;
  readonly id: string;
  readonly region: string;
}

const ZONE_FILTERS: FilterTable<Zone> = {
  'zone-name': (z) => z.name,
  'zone-id': (z) => z.id,
  'region-name': (z) => z.region,
  'group-name': (z) => z.region,
  state: () => 'available',
  'zone-type': () => 'availability-zone',
  'opt-in-status': () => 'opt-in-not-required',
};

const describeAvailabilityZones: Action = (ctx) => {
  const zones: Zone[] = ctx.region.zones.map((name, i) => ({ name, id: zoneId(name, i), region: ctx.region.name }));
  const names = ctx.params.list('ZoneName');
  const ids = ctx.params.list('ZoneId');
  const unknown = [...names.filter((n) => !zones.some((z) => z.name === n)), ...ids.filter((n) => !zones.some((z) => z.id === n))];
  if (unknown.length > 0) throw invalidValue(`Invalid availability zone: [${unknown.join(', ')}]`);
  const filters = filtersOf(ctx.params);
  checkFilters(filters, ZONE_FILTERS);
  const found = zones.filter(
    (z) => (names.length === 0 || names.includes(z.name)) && (ids.length === 0 || ids.includes(z.id)) && matches(z, new Map(), filters, ZONE_FILTERS),
  );
  return {
    availabilityZoneInfo: found.map((z) => ({
      zoneName: z.name,
      zoneState: 'available',
      regionName: z.region,
      zoneId: z.id,
      zoneType: 'availability-zone',
      optInStatus: 'opt-in-not-required',
      groupName: z.region,
      networkBorderGroup: z.region,
      messageSet: [],
    })),
  };
};

interface Region {
  readonly name: string;
  readonly endpoint: string;
}

const REGION_FILTERS: FilterTable<Region> = { 'region-name': (r) => r.name, endpoint: (r) => r.endpoint, 'opt-in-status': () => 'opt-in-not-required' };

const describeRegions: Action = (ctx) => {
  const regions: Region[] = Object.keys(ctx.settings.regions).map((name) => ({ name, endpoint: `ec2.${name}.amazonaws.com` }));
  const names = ctx.params.list('RegionName');
  const unknown = names.filter((n) => !regions.some((r) => r.name === n));
  if (unknown.length > 0) throw invalidValue(`Invalid region names: ${unknown.join(', ')}`);
  const filters = filtersOf(ctx.params);
  checkFilters(filters, REGION_FILTERS);
  const found = regions.filter((r) => (names.length === 0 || names.includes(r.name)) && matches(r, new Map(), filters, REGION_FILTERS));
  return { regionInfo: found.map((r) => ({ regionName: r.name, regionEndpoint: r.endpoint, optInStatus: 'opt-in-not-required' })) };
};

interface Image extends FakeEc2Image {
  readonly imageId: string;
}

const IMAGE_FILTERS: FilterTable<Image> = {
  'image-id': (i) => i.imageId,
  name: (i) => i.name,
  'owner-id': (i) => i.ownerId ?? '137112412989',
  architecture: (i) => i.architecture ?? 'x86_64',
  state: () => 'available',
  'is-public': () => 'true',
  'image-type': () => 'machine',
  'root-device-type': () => 'ebs',
  'virtualization-type': () => 'hvm',
};

const describeImages: Action = (ctx) => {
  const images: Image[] = ctx.settings.images.map((i) => ({ ...i, imageId: imageId(i, ctx.region.name) }));
  const ids = ctx.params.list('ImageId');
  const bad = ids.find((id) => !id.startsWith('ami-'));
  if (bad !== undefined) throw malformed('image', bad, 'ami');
  const unknown = ids.filter((id) => !images.some((i) => i.imageId === id));
  if (unknown.length > 0) throw notFound('image', unknown);
  const owners = ctx.params.list('Owner').map((o) => (o === 'amazon' ? '137112412989' : o === 'self' ? ctx.settings.accountId : o));
  const filters = filtersOf(ctx.params);
  checkFilters(filters, IMAGE_FILTERS);
  const found = images.filter(
    (i) =>
      (ids.length === 0 || ids.includes(i.imageId)) &&
      (owners.length === 0 || owners.includes(i.ownerId ?? '137112412989')) &&
      matches(i, new Map(), filters, IMAGE_FILTERS),
  );
  const { page, nextToken } = paginate(found, ctx.params);
  return {
    imagesSet: page.map((i) => ({
      imageId: i.imageId,
      imageLocation: `${i.ownerId ?? '137112412989'}/${i.name}`,
      imageState: 'available',
      imageOwnerId: i.ownerId ?? '137112412989',
      creationDate: '2024-12-12T00:00:00.000Z',
      isPublic: true,
      architecture: i.architecture ?? 'x86_64',
      imageType: 'machine',
      name: i.name,
      description: i.description ?? i.name,
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/xvda',
      blockDeviceMapping: [],
      virtualizationType: 'hvm',
      hypervisor: 'xen',
      enaSupport: true,
    })),
    nextToken,
  };
};

/** The catalogue actions by name. */
export const catalogActions: Readonly<Record<string, Action>> = {
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeRegions: describeRegions,
  DescribeImages: describeImages,
};
