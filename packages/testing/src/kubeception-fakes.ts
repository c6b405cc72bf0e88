#!/usr/bin/env node
/** The `kubeception-fakes` bin of `@kubeception/testing` (built to `dist/kubeception-fakes.js`): see `runFakesCli`. */
import { runFakesCli } from './fakes/fakes-cli.js';

void runFakesCli(process.argv.slice(2)).then((code) => process.exit(code));
