/**
 * The request pipeline (internal): parse the Query request, find region and action, apply
 * latency and injected failures, run the action on the region's state, answer XML, log.
 */
import { randomUUID } from 'node:crypto';
import type { Action, ActionContext, Settings } from './context.js';
import { Ec2Error, injectedError } from './errors.js';
import type { Ec2FaultEngine } from './faults.js';
import { sweepTerminated } from './instance-lifecycle.js';
import type { RegionState } from './model.js';
import { Params } from './params.js';
import type { Ec2RequestRecord } from './request-log.js';
import { errorXml, responseXml } from './xml.js';

/** What the dispatcher needs. */
export interface DispatchDeps {
  readonly settings: Settings;
  readonly regions: ReadonlyMap<string, RegionState>;
  readonly faults: Ec2FaultEngine;
  readonly log: { add(r: Ec2RequestRecord): void };
  readonly now: () => Date;
  readonly actions: Readonly<Record<string, Action>>;
}

type MutableRecord = { -readonly [K in keyof Ec2RequestRecord]: Ec2RequestRecord[K] };

/** The region of a request: SigV4 credential scope, else an `ec2.<region>.amazonaws.com` host, else `fallback`. */
export function regionOf(request: Request, fallback: string): string {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/ec2\//.exec(request.headers.get('authorization') ?? '');
  if (scope?.[1]) return scope[1];
  const host = /^ec2\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(request.url).hostname);
  return host?.[1] ?? fallback;
}

/** Whether a Query request is meant for EC2 (an `Action`, and EC2's API version or an `ec2.` host). */
export function isEc2Request(request: Request, body: string): boolean {
  const params = new URLSearchParams(body);
  return params.has('Action') && (params.get('Version') === '2016-11-15' || new URL(request.url).hostname.startsWith('ec2.'));
}

/** The request body (POST) or query (GET). */
export async function queryOf(request: Request): Promise<string> {
  return request.method === 'GET' || request.method === 'HEAD' ? new URL(request.url).search.slice(1) : await request.text();
}

function summary(params: Params): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params.entries()) {
    if (k === 'Action' || k === 'Version') continue;
    out[k] = k === 'UserData' ? `<${v.length} base64 characters>` : v.length > 200 ? `${v.slice(0, 200)}…` : v;
  }
  return out;
}

function xmlResponse(status: number, body: string, requestId: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId, server: 'AmazonEC2' } });
}

async function run(deps: DispatchDeps, params: Params, record: MutableRecord): Promise<string> {
  const failure = await deps.faults.inject(record);
  if (failure) throw injectedError(failure.status ?? 500, failure.code, failure.message);
  const region = deps.regions.get(record.region);
  if (!region) throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
  if (record.action === '') throw new Ec2Error('MissingAction', 'The request must contain the parameter Action');
  const action = Object.hasOwn(deps.actions, record.action) ? deps.actions[record.action] : undefined;
  if (!action) throw new Ec2Error('InvalidAction', `The action ${record.action} is not valid for this web service.`);
  if (params.get('DryRun') === 'true') throw new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  const now = record.at.getTime();
  sweepTerminated(region, now, deps.settings.delays);
  const ctx: ActionContext = { params, region, settings: deps.settings, now, hiddenFor: (type) => deps.faults.hiddenFor(type) };
  return responseXml(record.action, record.requestId, action(ctx));
}

/** Builds the function that answers one fetch `Request` like EC2. */
export function createDispatcher(deps: DispatchDeps): (request: Request) => Promise<Response> {
  const fallback = Object.keys(deps.settings.regions)[0] ?? 'us-east-1';
  return async (request) => {
    const params = Params.parse(await queryOf(request));
    const record: MutableRecord = {
      action: params.get('Action') ?? '',
      region: regionOf(request, fallback),
      params: summary(params),
      status: 0,
      requestId: randomUUID(),
      at: deps.now(),
    };
    try {
      const body = await run(deps, params, record);
      record.status = 200;
      return xmlResponse(200, body, record.requestId);
    } catch (e) {
      const err = e instanceof Ec2Error ? e : new Ec2Error('InternalError', `An internal error has occurred (${(e as Error).message})`, 500);
      record.status = err.status;
      record.code = err.code;
      return xmlResponse(err.status, errorXml(err.code, err.message, record.requestId), record.requestId);
    } finally {
      deps.log.add(record);
    }
  };
}
