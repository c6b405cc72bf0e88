/** `createFakeEc2` and `startFakeEc2`: wiring state, actions, faults and msw handlers. */
import { http, type RequestHandler } from 'msw';
import { type MswFake, originPattern, type ServedHandlers, serveHandlers, startServed } from '../shared/index.js';
import { catalogActions } from './catalog-actions.js';
import { DEFAULT_IMAGES, DEFAULT_INSTANCE_TYPES, DEFAULT_REGIONS, type FakeEc2Image } from './catalog.js';
import type { Action, Settings } from './context.js';
import { createDispatcher, isEc2Request, queryOf } from './dispatch.js';
import { Ec2FaultEngine, type Ec2Faults } from './faults.js';
import { gatewayActions } from './gateway-actions.js';
import { instanceActions } from './instance-actions.js';
import { RegionState } from './model.js';
import { createRequestLog, type Ec2RequestLog } from './request-log.js';
import { routeTableActions } from './route-table-actions.js';
import { securityGroupActions } from './security-group-actions.js';
import { type FakeEc2StateView, stateView } from './state-view.js';
import { subnetActions } from './subnet-actions.js';
import { tagActions } from './tag-actions.js';
import { vpcActions } from './vpc-actions.js';
import { errorXml } from './xml.js';

/** Delays of the instance state machine on the fake's clock. */
export interface FakeEc2InstanceDelays {
  /** Time in `pending` after RunInstances before `running`. @default 5000 */
  readonly pendingMs?: number;
  /** Time in `shutting-down` after TerminateInstances before `terminated`. @default 10000 */
  readonly shuttingDownMs?: number;
  /** How long a terminated instance stays visible to DescribeInstances. @default 3600000 (1 h, like EC2) */
  readonly terminatedRetentionMs?: number;
}

/** Options of {@link createFakeEc2}. */
export interface FakeEc2Options {
  /** Regions and their availability zones. @default us-east-1 (a–f), us-east-2, us-west-2, eu-west-1, eu-central-1, ap-southeast-2 */
  readonly regions?: Readonly<Record<string, readonly string[]>>;
  /** The one account every request acts in (`ownerId`). @default '123456789012' */
  readonly accountId?: string;
  /** Instance state delays. @default `{ pendingMs: 5000, shuttingDownMs: 10000, terminatedRetentionMs: 3600000 }` */
  readonly instanceDelays?: FakeEc2InstanceDelays;
  /** The fake's clock: instance states, launch times, the request log. @default () => new Date() */
  readonly now?: () => Date;
  /** AMIs DescribeImages lists and RunInstances accepts (ids derived per region). @default a few Flatcar, Amazon Linux and Ubuntu images */
  readonly images?: readonly FakeEc2Image[];
  /** Instance types RunInstances accepts. @default common t3/t4g/m5/m6i/m7g/c5/c6i/r5/r6i sizes and m1.small (EC2's default) */
  readonly instanceTypes?: readonly string[];
  /** Random source for probabilistic faults (give a seeded one for reproducible runs). @default Math.random */
  readonly random?: () => number;
  /** Origin the msw handlers answer for, e.g. `https://ec2.us-east-1.amazonaws.com`. @default any origin (EC2 Query requests to `/`) */
  readonly origin?: string;
  /** Requests kept in the request log. @default 10000 */
  readonly requestLogLimit?: number;
}

/** A fake EC2: msw handlers plus state, faults (failures, throttling, latency, eventual consistency) and the request log. */
export interface FakeEc2 extends MswFake<Ec2Faults, Ec2RequestLog, FakeEc2StateView> {
  /** The account id (`ownerId` of everything). */
  readonly accountId: string;
}

/** A fake EC2 served on a port: `url` (the SDK's `endpoint`) and `close`. */
export interface StartedFakeEc2 extends FakeEc2, ServedHandlers {}

const ACTIONS: Readonly<Record<string, Action>> = {
  ...vpcActions,
  ...subnetActions,
  ...gatewayActions,
  ...routeTableActions,
  ...securityGroupActions,
  ...instanceActions,
  ...tagActions,
  ...catalogActions,
};

/** Every EC2 action the fake answers. */
export const FAKE_EC2_ACTIONS: readonly string[] = Object.keys(ACTIONS).sort();

/**
 * Creates a stateful fake EC2 (VPCs, subnets, gateways, route tables, security groups,
 * instances, tags, a catalogue) as msw handlers speaking the EC2 Query protocol.
 *
 * @example
 * ```ts
 * const ec2 = createFakeEc2();
 * const server = setupServer(...ec2.handlers);
 * server.listen({ onUnhandledRequest: 'bypass' });
 * const client = new EC2Client({ region: 'eu-west-1', endpoint: 'https://ec2.eu-west-1.amazonaws.com', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
 * const { Vpc } = await client.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
 * server.close();
 * ```
 */
export function createFakeEc2(options: FakeEc2Options = {}): FakeEc2 {
  const regionsOption = options.regions ?? DEFAULT_REGIONS;
  const delays = { pendingMs: 5000, shuttingDownMs: 10_000, terminatedRetentionMs: 3_600_000, ...options.instanceDelays };
  const settings: Settings = {
    accountId: options.accountId ?? '123456789012',
    regions: regionsOption,
    delays,
    images: options.images ?? DEFAULT_IMAGES,
    instanceTypes: new Set(options.instanceTypes ?? DEFAULT_INSTANCE_TYPES),
  };
  const regions = new Map(Object.entries(regionsOption).map(([name, zones]) => [name, new RegionState(name, zones)]));
  const now = options.now ?? (() => new Date());
  const engine = new Ec2FaultEngine(options.random ?? Math.random);
  const log = createRequestLog(options.requestLogLimit ?? 10_000);
  const handle = createDispatcher({ settings, regions, faults: engine, log, now, actions: ACTIONS });
  const handlers: RequestHandler[] = [
    http.all(originPattern(options.origin, '/?(\\?.*)?$'), async ({ request }) => {
      if (request.bodyUsed || !isEc2Request(request, await queryOf(request.clone()))) return undefined;
      return handle(request);
    }),
  ];
  const fallback = http.all(
    /.*/,
    () =>
      new Response(errorXml('InvalidAction', 'The request is not an EC2 Query request (no Action).', 'fake-ec2'), {
        status: 400,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
      }),
  );
  return {
    handlers,
    accountId: settings.accountId,
    faults: engine.api(),
    requests: log,
    state: stateView(regions, now, delays),
    handle,
    serve: (serveOptions) => serveHandlers([...handlers, fallback], serveOptions?.port ?? 0),
  };
}

/**
 * Creates a fake EC2 and serves it on a free 127.0.0.1 port (or `port`).
 *
 * @example
 * ```ts
 * const ec2 = await startFakeEc2();
 * const client = new EC2Client({ region: 'us-east-1', endpoint: ec2.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
 * // ...
 * await ec2.close();
 * ```
 */
export function startFakeEc2(options: FakeEc2Options & { readonly port?: number } = {}): Promise<StartedFakeEc2> {
  return startServed(createFakeEc2(options), options.port);
}
