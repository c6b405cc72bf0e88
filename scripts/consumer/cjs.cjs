// The consumer test in a CommonJS module: the packages as `require` loads them.
'use strict';
const { scenario } = require('./scenario.cjs');

const modules = {
  format: 'CJS',
  sdk: require('@kubeception/sdk'),
  kube: require('@kubeception/sdk/kube'),
  runtime: require('@kubeception/sdk/runtime'),
  cluster: require('@kubeception/sdk/cluster'),
  pki: require('@kubeception/pki-vault'),
  testing: require('@kubeception/testing'),
  kvm: require('@kubeception/driver-kvm'),
  vault: require('node-vault'),
  neverthrow: require('neverthrow'),
};
if (typeof require('@kubeception/driver-aws').createAwsDriver !== 'function') throw new Error('@kubeception/driver-aws has no createAwsDriver');
scenario(modules).then(
  (line) => console.log(line),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
