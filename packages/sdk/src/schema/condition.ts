import { z } from 'zod';
import { timestamp } from './fields.js';

/**
 * The `metav1.Condition` shape, with the same validation as Kubernetes applies to it.
 */
export const conditionSchema = z.strictObject({
  type: z
    .string()
    .max(316)
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/)
    .meta({ description: 'Type of condition in CamelCase.' }),
  status: z.enum(['True', 'False', 'Unknown']).meta({ description: 'Status of the condition: True, False or Unknown.' }),
  observedGeneration: z.int().min(0).optional().meta({ description: '.metadata.generation the condition was set from.' }),
  lastTransitionTime: timestamp.meta({ description: 'Last time the condition changed status.' }),
  reason: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
    .meta({ description: 'Programmatic identifier of the reason for the last transition, CamelCase.' }),
  message: z.string().max(32768).meta({ description: 'Human-readable details about the transition.' }),
});

/** A condition as stored in `status.conditions`. */
export type Condition = z.output<typeof conditionSchema>;

/** `status.conditions`: a list keyed by `type`. */
export const conditionsSchema = z
  .array(conditionSchema)
  .meta({
    description: 'Latest observations of the object state, one per type.',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
