import { describe, expectTypeOf, it } from 'vitest';
import type { Certificate, Cluster, Persisted } from './index.js';
import { defineResource } from './resource.js';
import { z } from 'zod';

describe('Persisted<T>', () => {
  it('makes server-set metadata non-optional', () => {
    type Meta = Persisted<Cluster>['metadata'];
    expectTypeOf<Meta['name']>().toEqualTypeOf<string>();
    expectTypeOf<Meta['namespace']>().toEqualTypeOf<string>();
    expectTypeOf<Meta['uid']>().toEqualTypeOf<string>();
    expectTypeOf<Meta['resourceVersion']>().toEqualTypeOf<string>();
    expectTypeOf<Meta['generation']>().toEqualTypeOf<number>();
    expectTypeOf<Meta['creationTimestamp']>().toEqualTypeOf<string>();
  });

  it('leaves metadata optional before the object is stored', () => {
    expectTypeOf<Cluster['metadata']['name']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Cluster['metadata']['uid']>().toEqualTypeOf<string | undefined>();
  });

  it('keeps the rest of the object typed', () => {
    expectTypeOf<Persisted<Cluster>['spec']['masters']['replicas']>().toEqualTypeOf<1 | 3 | 5>();
    expectTypeOf<Persisted<Certificate>['spec']['dnsNames']>().toEqualTypeOf<string[]>();
  });

  it('has no namespace requirement for cluster-scoped kinds', () => {
    type Meta = Persisted<{ metadata?: { name?: string } }, 'Cluster'>['metadata'];
    expectTypeOf<Meta['name']>().toEqualTypeOf<string>();
    expectTypeOf<Meta['namespace']>().toEqualTypeOf<string | undefined>();
  });
});

describe('defineResource', () => {
  it('infers the object type from the spec schema', () => {
    const _Widget = defineResource({ group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', spec: z.strictObject({ size: z.int() }) });
    type Widget = NonNullable<(typeof _Widget)['__type']>;
    expectTypeOf<Widget['spec']['size']>().toEqualTypeOf<number>();
  });
});
