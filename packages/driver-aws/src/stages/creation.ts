/**
 * Creating a planned resource in a pass (internal): once, not while an earlier create of it is
 * still becoming visible (`PendingCreations`), and with what the pass may go on with — the world
 * with the new resource added from EC2's answer.
 *
 * A create a restart could repeat (no ClientToken, nothing unique in its VPC: the VPC and the
 * internet gateway) is built on only once Describe shows it, and no other of its kind: were a
 * process to configure or attach one that Describe does not show yet and die, the next would
 * create a second and build on that, leaving the first in use where the duplicates stage cannot
 * tell it from ours (it deletes only an unconfigured VPC, a detached gateway). Describe lists the
 * owned ones, not the new one by id: EC2 shows resources in the order they were made, so one a
 * dead process made before ours shows with ours, and the pass ends for the next to sort out.
 */
import type { DriverError, DriverProgress } from '@kubeception/sdk/cluster';
import { okAsync, type ResultAsync } from 'neverthrow';
import type { Ec2Command } from '../ec2-command.js';
import type { AwsWorld } from '../observe.js';
import type { PendingCreations } from '../pending.js';

/** How to create a planned resource. */
export interface Creation {
  /** What it is, in the reasons of progress (`VPC`, `subnet subnet-public-eu-west-1a`). */
  readonly what: string;
  readonly command: Ec2Command;
  /** The new resource's id in EC2's answer. */
  readonly id: (answer: unknown) => string | undefined;
  /** The world with it added, from its id and EC2's answer. */
  readonly add: (world: AwsWorld, id: string, answer: unknown) => AwsWorld;
  /** For a create a restart could repeat: the Describe of every owned one, and the ids its answer lists. */
  readonly alone?: { readonly describe: Ec2Command; readonly ids: (answer: unknown) => readonly (string | undefined)[] };
}

/** What one create did: its progress, and the new resource when the pass may build on it. */
export interface Created {
  readonly progress: DriverProgress;
  readonly creation: Creation;
  readonly made?: { readonly id: string; readonly answer: unknown };
}

/** What creating takes from the pass. */
export interface CreationDeps {
  /** The cluster's ID (the key of its pending creations). */
  readonly cluster: string;
  readonly pending: PendingCreations;
  readonly send: (command: Ec2Command) => ResultAsync<unknown, DriverError>;
  readonly again: (reason: string, factor?: number) => DriverProgress;
}

/** Creates the resource of `role`, unless a creation of it is still becoming visible. */
export function createOnce(deps: CreationDeps, role: string, creation: Creation): ResultAsync<Created, DriverError> {
  const { cluster, pending, send, again } = deps;
  if (pending.pending(cluster, role)) return okAsync({ progress: again(`waiting for the new ${creation.what} to become visible`, 0.5), creation });
  return send(creation.command).andThen((answer) => {
    pending.record(cluster, role);
    const created: Created = { progress: again(`creating ${creation.what}`), creation };
    const id = creation.id(answer);
    if (id === undefined) return okAsync(created);
    const made = { ...created, made: { id, answer } };
    const alone = creation.alone;
    if (alone === undefined) return okAsync(made);
    // shown, and alone: Describe shows it (no longer pending), and nothing a dead process made before it
    return send(alone.describe).map((listed) => {
      const ids = alone.ids(listed);
      if (!ids.includes(id)) return created;
      pending.seen(cluster, [role]);
      return ids.length === 1 ? made : created;
    });
  });
}

/** `world` with every created resource added, when the pass may build on each. */
export function withCreated(world: AwsWorld, created: readonly Created[]): AwsWorld | undefined {
  return created.reduce<AwsWorld | undefined>((w, c) => (w && c.made ? c.creation.add(w, c.made.id, c.made.answer) : undefined), world);
}
