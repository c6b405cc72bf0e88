// The consumer test in an ES module: the packages as `import` loads them.
import * as sdk from '@kubeception/sdk';
import * as kube from '@kubeception/sdk/kube';
import * as runtime from '@kubeception/sdk/runtime';
import * as cluster from '@kubeception/sdk/cluster';
import * as pki from '@kubeception/pki-vault';
import * as testing from '@kubeception/testing';
import * as kvm from '@kubeception/driver-kvm';
import * as aws from '@kubeception/driver-aws';
import vault from 'node-vault';
import * as neverthrow from 'neverthrow';
import scenarioModule from './scenario.cjs';

if (typeof aws.createAwsDriver !== 'function') throw new Error('@kubeception/driver-aws has no createAwsDriver');
console.log(await scenarioModule.scenario({ format: 'ESM', sdk, kube, runtime, cluster, pki, testing, kvm, vault, neverthrow }));
