/** Building `apiextensions.k8s.io/v1` CustomResourceDefinitions from resource descriptors. */
import type { KubeObject, ResourceDescriptor } from './resource.js';
import { toStructuralSchema, type JSONSchemaProps } from './schema/openapi.js';

/** A printer column (`additionalPrinterColumns`) shown by `kubectl get`. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

/** A CEL validation rule (`x-kubernetes-validations`). */
export interface ValidationRule {
  readonly rule: string;
  readonly message: string;
}

/** An `apiextensions.k8s.io/v1` CustomResourceDefinition. */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JSONSchemaProps };
      subresources?: { status?: Record<string, never> };
      additionalPrinterColumns?: PrinterColumn[];
    }[];
  };
}

/** What `customResourceDefinition` adds to a descriptor. */
export interface CrdOptions {
  /** Columns for `kubectl get`. An `Age` column is appended. @default [] */
  readonly printerColumns?: readonly PrinterColumn[];
  /** CEL rules on the object root (may read `self.metadata.name`). @default [] */
  readonly validations?: readonly ValidationRule[];
}

/**
 * Builds the CRD of a custom resource from its descriptor's schemas: a structural schema
 * with defaults, the status subresource (when the kind has a status) and printer columns.
 */
export function customResourceDefinition(descriptor: ResourceDescriptor<KubeObject>, options: CrdOptions = {}): CustomResourceDefinition {
  const { specSchema, statusSchema } = descriptor;
  if (specSchema === undefined) throw new Error(`${descriptor.kind} has no spec schema: it is not a custom resource defined here`);
  const root: JSONSchemaProps = {
    type: 'object',
    description: `${descriptor.kind} (${descriptor.apiVersion}).`,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion of this representation of the object.' },
      kind: { type: 'string', description: 'Kind of the object.' },
      metadata: { type: 'object' },
      spec: toStructuralSchema(specSchema),
      ...(statusSchema === undefined ? {} : { status: toStructuralSchema(statusSchema) }),
    },
    ...(options.validations?.length ? { 'x-kubernetes-validations': options.validations.map((rule) => ({ ...rule })) } : {}),
  };
  const printerColumns: PrinterColumn[] = [
    ...(options.printerColumns ?? []),
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${descriptor.plural}.${descriptor.group}` },
    spec: {
      group: descriptor.group,
      names: {
        kind: descriptor.kind,
        listKind: `${descriptor.kind}List`,
        plural: descriptor.plural,
        singular: descriptor.singular,
        ...(descriptor.shortNames.length ? { shortNames: [...descriptor.shortNames] } : {}),
        ...(descriptor.categories.length ? { categories: [...descriptor.categories] } : {}),
      },
      scope: descriptor.scope,
      versions: [
        {
          name: descriptor.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: root },
          ...(statusSchema === undefined ? {} : { subresources: { status: {} } }),
          additionalPrinterColumns: printerColumns,
        },
      ],
    },
  };
}

/** JSONPath of a condition's status, for a printer column. */
export function conditionColumn(type: string): string {
  return `.status.conditions[?(@.type=="${type}")].status`;
}
