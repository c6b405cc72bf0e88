/**
 * The duplicates stage of `applyPlan` (internal): the owned VPCs and internet gateways observe
 * found beyond the one in use, with nothing built on them (`AwsWorld.duplicates`: a create
 * repeated after a restart while EC2 did not show the first yet; neither takes a ClientToken),
 * deleted. Only resources carrying this cluster's ownership tag are ever observed, so nothing
 * foreign is touched; one already gone (NotFound: deleted by an earlier pass) is fine. The pass
 * goes on with the world without them.
 */
import { DeleteInternetGatewayCommand, DeleteVpcCommand } from '@aws-sdk/client-ec2';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { ec2Code } from '../ec2-errors.js';
import type { OwnedDuplicate } from '../observe.js';
import type { StageOptions, StageStep } from './stage.js';

/** The deletion of a duplicate. */
const deletion = (d: OwnedDuplicate) =>
  d.type === 'vpc' ? new DeleteVpcCommand({ VpcId: d.id }) : new DeleteInternetGatewayCommand({ InternetGatewayId: d.id });

/** Every duplicate deleted at once. */
export function duplicatesStage(stage: StageOptions): StageStep {
  const duplicates = stage.world.duplicates ?? [];
  if (duplicates.length === 0) return undefined;
  const deletes = duplicates.map((d) => stage.send(deletion(d)).orElse((e) => (ec2Code(e.cause)?.endsWith('.NotFound') ? okAsync(undefined) : errAsync(e))));
  const { duplicates: _deleted, ...rest } = stage.world;
  return ResultAsync.combine(deletes).map(() => stage.proceed(`deleting duplicates ${duplicates.map((d) => `${d.type} ${d.id}`).join(', ')}`, rest));
}
