/**
 * The commands of the kubectl matrix, each a self-contained case: it sets up what it needs with
 * the SDK client, runs kubectl (one process per step) and asserts the outcome as kubectl prints it
 * against kube-apiserver, normalised (./session.ts). Objects are named after the command, in the
 * session's namespace (one per kubectl version).
 */
import { applyCommands } from './apply-commands.js';
import { createCommands } from './create-commands.js';
import type { MatrixCommand } from './fixtures.js';
import { changeCommands } from './change-commands.js';
import { readCommands } from './read-commands.js';

export type { MatrixCommand } from './fixtures.js';

/** Every command of the matrix, in the order they run. */
export const MATRIX_COMMANDS: readonly MatrixCommand[] = [...createCommands, ...applyCommands, ...changeCommands, ...readCommands];
