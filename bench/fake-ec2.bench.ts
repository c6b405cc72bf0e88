/**
 * Requests per second through the fake EC2 with the real @aws-sdk/client-ec2 (over the served
 * port, sequential): RunInstances (one tagged instance per call) and DescribeInstances with a
 * `tag:` filter over many instances. Baseline, same run: the same SDK calls against a bare HTTP
 * server that answers every request with one fixed body — the very response the fake gave for
 * the same call, captured once — so the ratio is the fake's own cost (parsing the form, state,
 * filters, rendering XML) on top of HTTP, SigV4 signing and SDK parsing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { startFakeEc2 } from '@kubeception/testing';
import type { Figure } from './figure.js';

const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };
const CLUSTERS = 50;
/** The one image of the fake's catalogue here, with a fixed id. */
const AMI = 'ami-0123456789abcdef0';

async function perSecond(count: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  await fn(-1); // warm-up
  const start = performance.now();
  for (let i = 0; i < count; i++) await fn(i);
  return (count / (performance.now() - start)) * 1000;
}

/** A server answering every request with `body` (after reading the request). */
async function fixedServer(body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(200, {
          'content-type': 'text/xml;charset=UTF-8',
          'x-amzn-requestid': '00000000-0000-0000-0000-000000000000',
          'content-length': String(Buffer.byteLength(body)),
        })
        .end(body),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The fake's raw answer to the same form an SDK call sends. */
async function capture(url: string, form: Record<string, string>): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/ec2/aws4_request' },
    body: new URLSearchParams({ Version: '2016-11-15', ...form }),
  });
  return res.text();
}

const client = (endpoint: string) => new EC2Client({ region: 'us-east-1', endpoint, credentials: CREDENTIALS, maxAttempts: 1 });

/** A VPC and a subnet in the fake, and the input of a launch there: one instance tagged as owned by one of {@link CLUSTERS} clusters. */
async function launchInput(sdk: EC2Client): Promise<{ readonly subnetId: string; input(i: number): RunInstancesCommandInput }> {
  const vpcId = (await sdk.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId ?? '';
  const subnetId = (await sdk.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/16', AvailabilityZone: 'us-east-1a' }))).Subnet?.SubnetId ?? '';
  const input = (i: number): RunInstancesCommandInput => ({
    ImageId: AMI,
    InstanceType: 't3.medium',
    MinCount: 1,
    MaxCount: 1,
    SubnetId: subnetId,
    TagSpecifications: [
      {
        ResourceType: 'instance',
        Tags: [
          { Key: `kubeception.io/cluster/c${((i % CLUSTERS) + CLUSTERS) % CLUSTERS}`, Value: 'owned' },
          { Key: 'Name', Value: `node-${i}` },
        ],
      },
    ],
  });
  return { subnetId, input };
}

/** A call measured on the fake, to measure again on a bare server answering its captured body. */
type Measured = readonly [name: string, body: string, count: number, call: (c: EC2Client) => (i: number) => Promise<unknown>, value: number];

/** Each measured call's figure, with the same call against a bare server answering the fake's captured body as its baseline. */
async function againstBaselines(measured: readonly Measured[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [name, body, count, call, value] of measured) {
    const bare = await fixedServer(body);
    const baselineClient = client(bare.url);
    try {
      const base = await perSecond(count, call(baselineClient));
      figures.push({ name: `fake EC2: ${name}, @aws-sdk/client-ec2`, value, unit: 'req/s', baseline: base, ratio: value / base });
    } finally {
      baselineClient.destroy();
      await bare.close();
    }
  }
  return figures;
}

/** The figures of this bench (`quick`: fewer calls). */
export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const launches = quick ? 200 : 1000;
  const total = quick ? 500 : 2000;
  const describes = quick ? 100 : 300;
  const ec2 = await startFakeEc2({ images: [{ name: 'flatcar-stable-4152.2.3-hvm', id: AMI }] });
  const sdk = client(ec2.url);
  try {
    const { subnetId, input } = await launchInput(sdk);
    const launch = (c: EC2Client) => (i: number) => c.send(new RunInstancesCommand(input(i)));
    const runRate = await perSecond(launches, launch(sdk));
    for (let i = launches; i < total; i++) await launch(sdk)(i);

    const runBody = await capture(ec2.url, {
      Action: 'RunInstances',
      ImageId: AMI,
      InstanceType: 't3.medium',
      MinCount: '1',
      MaxCount: '1',
      SubnetId: subnetId,
      'TagSpecification.1.ResourceType': 'instance',
      'TagSpecification.1.Tag.1.Key': 'kubeception.io/cluster/c0',
      'TagSpecification.1.Tag.1.Value': 'owned',
    });
    const filter = { Name: 'tag:kubeception.io/cluster/c7', Values: ['owned'] };
    const describe = (c: EC2Client) => () => c.send(new DescribeInstancesCommand({ Filters: [filter] }));
    const describeRate = await perSecond(describes, describe(sdk));
    const describeBody = await capture(ec2.url, { Action: 'DescribeInstances', 'Filter.1.Name': filter.Name, 'Filter.1.Value.1': 'owned' });
    return await againstBaselines([
      [`RunInstances (1 tagged instance per call)`, runBody, launches, launch, runRate],
      [`DescribeInstances (tag filter, ${total / CLUSTERS} of ${total} instances)`, describeBody, describes, describe, describeRate],
    ]);
  } finally {
    sdk.destroy();
    await ec2.close();
  }
}
