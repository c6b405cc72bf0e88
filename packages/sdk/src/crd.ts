/** Building `apiextensions.k8s.io/v1` CustomResourceDefinitions from resource descriptors. */
import type { KubeObject, ResourceDescriptor } from './resource.js';
import { toStructuralSchema, type JSONSchemaProps } from './schema/openapi.js';

/** A printer column (`additionalPrinterColumns`) shown by `kubectl get`. */
export interface PrinterColumn {
  /** Column header, e.g. `Ready`. */
  readonly name: string;
  /** How `kubectl` formats the value; `date` shows an age such as `5m`. */
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** JSONPath of the value from the object root, e.g. `.status.phase`. */
  readonly jsonPath: string;
  /** What the column shows (`kubectl explain`, OpenAPI). */
  readonly description?: string;
  /** 0 shows the column always; higher values only with `kubectl get -o wide`. @default 0 */
  readonly priority?: number;
}

/** A CEL validation rule (`x-kubernetes-validations`). */
export interface ValidationRule {
  /** CEL expression that must be true, with `self` the object (e.g. `self.size() == 1`). */
  readonly rule: string;
  /** Error message the API server returns when the rule is false. */
  readonly message: string;
}

/** An `apiextensions.k8s.io/v1` CustomResourceDefinition. */
export interface CustomResourceDefinition {
  /** Always `apiextensions.k8s.io/v1`. */
  apiVersion: 'apiextensions.k8s.io/v1';
  /** Always `CustomResourceDefinition`. */
  kind: 'CustomResourceDefinition';
  /** The name is `<plural>.<group>`. */
  metadata: { name: string; labels?: Record<string, string> };
  /** The kind's names, scope and its one served and stored version, with schema and printer columns. */
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
  /** What an object of the kind is, for `kubectl explain`. @default `<Kind> (<group>/<version>).` */
  readonly description?: string;
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
    description: options.description ?? `${descriptor.kind} (${descriptor.apiVersion}).`,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion of this representation of the object.' },
      kind: { type: 'string', description: 'Kind of the object.' },
      // kube-apiserver refuses anything but `type` here ("must not specify anything other than name and generateName")
      metadata: { type: 'object' },
      spec: toStructuralSchema(specSchema),
      ...(statusSchema === undefined ? {} : { status: toStructuralSchema(statusSchema) }),
    },
    ...(options.validations?.length ? { 'x-kubernetes-validations': options.validations.map((rule) => ({ ...rule })) } : {}),
  };
  const printerColumns: PrinterColumn[] = [
    ...(options.printerColumns ?? []),
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since the object was created.' },
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
