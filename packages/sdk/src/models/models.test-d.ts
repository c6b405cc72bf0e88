import { describe, expectTypeOf, it } from 'vitest';
import type {
  CertificateAuthorityRole,
  CertificateAuthoritySpec,
  CertificateAuthoritySpecInput,
  CertificateSpec,
  CertificateSpecInput,
  Cluster,
  ClusterInput,
  ClusterSpec,
  ClusterSpecInput,
  OpenProviderSpecs,
} from '../index.js';

describe('ClusterSpec<P>', () => {
  it('types spec.provider with P, open by default', () => {
    expectTypeOf<ClusterSpec<{ kvm?: { image: string } }>['provider']>().toEqualTypeOf<{ kvm?: { image: string } }>();
    expectTypeOf<ClusterSpec['provider']>().toEqualTypeOf<OpenProviderSpecs>();
    expectTypeOf<Cluster<{ kvm?: { image: string } }>['spec']>().toEqualTypeOf<ClusterSpec<{ kvm?: { image: string } }>>();
  });

  it('applies defaults in ClusterSpec and leaves them optional in ClusterSpecInput', () => {
    expectTypeOf<ClusterSpec['workers']>().not.toBeNullable();
    expectTypeOf<ClusterSpec['paused']>().toEqualTypeOf<boolean>();
    expectTypeOf<ClusterSpecInput['paused']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<ClusterInput['spec']>().toEqualTypeOf<ClusterSpecInput>();
  });
});

describe('Certificate and CertificateAuthority specs', () => {
  it('applies defaults in the spec types and leaves them optional in the input types', () => {
    expectTypeOf<CertificateSpec['ttl']>().toEqualTypeOf<string>();
    expectTypeOf<CertificateSpecInput['ttl']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<CertificateAuthoritySpec['roles']>().toEqualTypeOf<CertificateAuthorityRole[]>();
    expectTypeOf<CertificateAuthoritySpecInput['keyType']>().toEqualTypeOf<'ec' | 'rsa' | undefined>();
  });
});
