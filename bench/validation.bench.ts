/**
 * Cost of validating a Cluster (schema + defaults + cross-field checks, with the KVM and AWS
 * providers) against the baseline of only deep-copying the same object (JSON round trip),
 * which is the least any validator that returns a new object must do.
 */
import { readFileSync } from 'node:fs';
import { provider as aws } from '@kubeception/driver-aws';
import { provider as kvm } from '@kubeception/driver-kvm';
import { createClusterModel } from '@kubeception/sdk';
import { parse } from 'yaml';
import { rate, type Figure } from './figure.js';

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const clusters = createClusterModel({ providers: [kvm, aws] });
  const sample = parse(readFileSync(new URL('../examples/samples/valid/cluster-aws.yaml', import.meta.url), 'utf8')) as unknown;
  const ms = quick ? 300 : 2000;
  const baseline = rate(() => JSON.parse(JSON.stringify(sample)), ms);
  const validate = rate(() => clusters.validate(sample), ms);
  const crd = rate(() => clusters.crd(), quick ? 200 : 1000);
  return [
    { name: 'validateCluster (aws sample)', value: validate, unit: 'ops/s', baseline, ratio: validate / baseline },
    { name: 'Cluster CRD generation', value: crd, unit: 'ops/s' },
  ];
}
