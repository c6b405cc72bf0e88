// Development entry of the `kubeception` bin (see bin/kubeception.js).
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
