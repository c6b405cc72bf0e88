import { z } from 'zod';
import { dateTime } from './fields.js';

/**
 * The `metav1.Condition` shape, with the same validation as Kubernetes applies to it.
 */
export const conditionSchema = z
  .strictObject({
    type: z
      .string()
      .max(316)
      .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/)
      .meta({ description: 'Type of condition in CamelCase, such as Ready; unique within the list.' }),
    status: z.enum(['True', 'False', 'Unknown']).meta({ description: 'Status of the condition: True, False or Unknown.' }),
    observedGeneration: z.int().min(0).optional().meta({ description: 'The metadata.generation of the object the condition was set from.' }),
    lastTransitionTime: dateTime('Last time the condition changed status.'),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .meta({ description: 'Programmatic identifier of the reason for the last transition, CamelCase.' }),
    message: z.string().max(32768).meta({ description: 'Human-readable details about the transition; may be empty.' }),
  })
  .meta({ description: 'One aspect of the state of the object, in the metav1.Condition shape.' });

/**
 * A condition as stored in `status.conditions` (the `metav1.Condition` shape).
 * @useDeclaredType
 */
export type Condition = z.output<typeof conditionSchema>;

/** `status.conditions`: a list keyed by `type`. */
export const conditionsSchema = z.array(conditionSchema).meta({
  description: 'Latest observations of the state of the object, one per condition type.',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});
