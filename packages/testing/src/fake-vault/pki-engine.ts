/** One mounted PKI secrets engine: its issuer, roles and issued certificates (internal). */
import { randomUUID } from 'node:crypto';
import { formatRfc3339, parseVaultDuration } from './duration.js';
import { VaultError } from './errors.js';
import { createCrl, type BuiltCrl } from './pki-crl.js';
import {
  createLeaf,
  createRoot,
  exportLeafKey,
  exportPrivateKey,
  formatSerial,
  generateKeys,
  generateLeafKeys,
  keySpec,
  normalizeSerial,
  parseCsr,
  type Issuer,
  type KeySpec,
  type LeafKeys,
} from './pki-crypto.js';
import { certificateNotAfter, creationBundle, type MountTtls } from './pki-issue.js';
import { extKeyUsageOids, keyUsageFlags, type Role } from './pki-roles.js';
import { bool, int, list, str } from './types.js';

/** An issued certificate as the engine stores it. */
export interface StoredCert {
  readonly serial: string;
  readonly pem: string;
  readonly notAfter: Date;
  revokedAt: Date | undefined;
}

/** The current issuer with its PEM and ids. */
interface IssuerEntry extends Issuer {
  readonly pem: string;
  readonly serial: string;
  readonly issuerId: string;
  readonly keyId: string;
}

type Body = Readonly<Record<string, unknown>>;

/** Vault's default CRL validity (`config/crl` `expiry`). */
const CRL_EXPIRY_MS = 72 * 3600_000;

function privateKeyFormat(body: Body): 'der' | 'pem' | 'pkcs8' {
  const f = str(body, 'private_key_format', 'der');
  if (!['der', 'pem', 'pkcs8', ''].includes(f)) throw VaultError.badRequest(`unknown private key format "${f}"`);
  return (f || 'der') as 'der' | 'pem' | 'pkcs8';
}

/** The PKI engine of one mount. */
export class PkiEngine {
  readonly roles = new Map<string, Role>();
  readonly certs = new Map<string, StoredCert>();
  private issuer: IssuerEntry | undefined;
  /** The current CRL; Vault stores it and rebuilds it on root generation, revocation, tidy and `crl/rotate`. */
  private currentCrl: BuiltCrl | undefined;
  /** The next CRL Number; a new issuer starts a new CRL at 1, like Vault's per-CRL-id counter. */
  private nextCrlNumber = 1;

  constructor(
    private readonly ttls: () => MountTtls,
    private readonly now: () => Date,
    readonly defaultKeyType: 'ec' | 'rsa',
  ) {}

  /** The issuer, or 400 `no default issuer currently configured`. */
  requireIssuer(): IssuerEntry {
    if (!this.issuer) throw VaultError.badRequest('no default issuer currently configured');
    return this.issuer;
  }

  /** `root/generate/:type`. */
  async generateRoot(type: string, body: Body): Promise<{ data: Record<string, unknown>; warnings: string[] }> {
    if (type !== 'internal' && type !== 'exported') throw VaultError.badRequest(`invalid type: ${type}`);
    const commonName = str(body, 'common_name');
    if (commonName === '')
      throw VaultError.badRequest(
        'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
      );
    const spec = keySpec(str(body, 'key_type', this.defaultKeyType), int(body, 'key_bits', 0));
    const now = this.now();
    const { notAfter, warnings } = certificateNotAfter({ ttl: 0, max_ttl: 0 }, body, this.ttls(), now, undefined);
    const keys = await generateKeys(spec);
    const dns = bool(body, 'exclude_cn_from_sans', false) || commonName.includes('@') ? [] : [commonName];
    const cert = await createRoot({
      subject: { commonName, organization: list(body, 'organization'), ou: list(body, 'ou'), country: list(body, 'country') },
      sans: { dns: [...dns, ...(list(body, 'alt_names') ?? [])], ip: list(body, 'ip_sans') ?? [], email: [] },
      keys,
      spec,
      notBefore: new Date(now.getTime() - 30_000),
      notAfter,
      maxPathLength: int(body, 'max_path_length', -1),
    });
    if (this.issuer) warnings.push('this fake keeps one issuer per mount: the new root replaced the previous one');
    const pem = cert.toString('pem');
    this.issuer = { certificate: cert, keys, spec, pem, serial: formatSerial(cert.serialNumber), issuerId: randomUUID(), keyId: randomUUID() };
    this.store(this.issuer.serial, pem, notAfter);
    this.nextCrlNumber = 1;
    await this.rebuildCrl();
    const data: Record<string, unknown> = {
      certificate: pem,
      issuing_ca: pem,
      serial_number: this.issuer.serial,
      expiration: Math.floor(notAfter.getTime() / 1000),
      issuer_id: this.issuer.issuerId,
      issuer_name: '',
      key_id: this.issuer.keyId,
      key_name: '',
    };
    if (type === 'exported')
      Object.assign(data, { private_key: await exportPrivateKey(keys.privateKey, spec, privateKeyFormat(body)), private_key_type: spec.type });
    return { data, warnings };
  }

  /** `DELETE root`: forgets the issuer. */
  deleteRoot(): void {
    this.issuer = undefined;
    this.currentCrl = undefined;
  }

  /** `issue/:role` (no CSR: a key pair is generated) and `sign/:role` (CSR). */
  async issue(roleName: string, body: Body, withCsr: boolean): Promise<{ data: Record<string, unknown>; warnings: string[] }> {
    const role = this.roles.get(roleName);
    if (!role) throw VaultError.badRequest(`unknown role: ${roleName}`);
    if (!withCsr && role.key_type === 'any') throw VaultError.badRequest('role key type "any" not allowed for issuing certificates, only signing');
    const issuer = this.requireIssuer();
    const csr = withCsr ? await parseCsr(str(body, 'csr')) : undefined;
    if (csr && role.key_type !== 'any' && csr.keyType !== role.key_type) throw VaultError.badRequest(`role requires keys of type ${role.key_type}`);
    const bundle = creationBundle(role, body, csr, this.ttls(), this.now(), issuer.certificate.notAfter);
    const spec: KeySpec = { type: role.key_type === 'rsa' ? 'rsa' : 'ec', bits: role.key_bits || 256 };
    const keys = csr ? undefined : await generateLeafKeys(spec);
    const publicKey = csr ? csr.publicKey.rawData : (keys as LeafKeys).publicKey;
    const { pem, serialNumber } = createLeaf({
      issuer,
      publicKey,
      subject: bundle.subject,
      sans: bundle.sans,
      notBefore: bundle.notBefore,
      notAfter: bundle.notAfter,
      keyUsage: keyUsageFlags(role),
      extKeyUsage: extKeyUsageOids(role),
    });
    const serial = formatSerial(serialNumber);
    if (!role.no_store) this.store(serial, pem, bundle.notAfter);
    const data: Record<string, unknown> = {
      certificate: pem,
      issuing_ca: issuer.pem,
      ca_chain: [issuer.pem],
      serial_number: serial,
      expiration: Math.floor(bundle.notAfter.getTime() / 1000),
    };
    if (keys) Object.assign(data, { private_key: exportLeafKey(keys.privateKey, spec, privateKeyFormat(body)), private_key_type: spec.type });
    return { data, warnings: [...bundle.warnings] };
  }

  /** `revoke`: by `serial_number` or `certificate`; a new revocation rebuilds the CRL. */
  async revoke(body: Body): Promise<Record<string, unknown>> {
    const raw = str(body, 'serial_number');
    const byPem = str(body, 'certificate');
    const entry = raw !== '' ? this.certs.get(normalizeSerial(raw)) : [...this.certs.values()].find((c) => c.pem.trim() === byPem.trim());
    if (raw === '' && byPem === '') throw VaultError.badRequest('The serial number or certificate to revoke must be provided.');
    if (!entry) throw VaultError.badRequest(`certificate with serial ${raw === '' ? 'in request' : raw} not found`);
    if (this.issuer && entry.serial === this.issuer.serial)
      throw VaultError.badRequest('adding issuer (id: ' + this.issuer.issuerId + ') to its own CRL is not allowed');
    if (entry.revokedAt === undefined) {
      entry.revokedAt = this.now();
      await this.rebuildCrl();
    }
    const seconds = Math.floor(entry.revokedAt.getTime() / 1000);
    return { revocation_time: seconds, revocation_time_rfc3339: formatRfc3339(entry.revokedAt), state: 'revoked' };
  }

  /** `tidy`: drops expired certificates (and revoked ones) older than the safety buffer; the CRL is rebuilt when revoked ones went. */
  async tidy(body: Body): Promise<{ removedCerts: number; removedRevoked: number; warnings: string[] }> {
    const certStore = bool(body, 'tidy_cert_store', false);
    const revoked = bool(body, 'tidy_revoked_certs', false);
    if (!certStore && !revoked)
      return {
        removedCerts: 0,
        removedRevoked: 0,
        warnings: ['No targets to tidy; specify tidy_cert_store=true or tidy_revoked_certs=true to start a tidy operation.'],
      };
    const buffer = (parseVaultDuration(body.safety_buffer, 'safety_buffer') ?? 72 * 3600) * 1000;
    const cutoff = this.now().getTime() - buffer;
    let removedCerts = 0;
    let removedRevoked = 0;
    for (const [serial, c] of this.certs) {
      if (c.notAfter.getTime() >= cutoff || serial === this.issuer?.serial) continue;
      if (c.revokedAt ? revoked : certStore) {
        this.certs.delete(serial);
        if (c.revokedAt) removedRevoked++;
        else removedCerts++;
      }
    }
    if (removedRevoked > 0 && this.issuer) await this.rebuildCrl();
    return {
      removedCerts,
      removedRevoked,
      warnings: ["Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs."],
    };
  }

  /** The current CRL (`crl`, `crl/pem`, `cert/crl`): the one last built, as Vault serves its stored CRL. */
  async crl(): Promise<BuiltCrl> {
    this.requireIssuer();
    return this.currentCrl ?? this.rebuildCrl();
  }

  /** Builds a new CRL of the revoked certificates with the next CRL Number (`crl/rotate` and the triggers above). */
  async rebuildCrl(): Promise<BuiltCrl> {
    const issuer = this.requireIssuer();
    const number = this.nextCrlNumber++;
    const revoked = [...this.certs.values()].filter((c) => c.revokedAt).map((c) => ({ serial: c.serial, at: c.revokedAt as Date }));
    const thisUpdate = this.now();
    const built = await createCrl({ issuer, revoked, number, thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + CRL_EXPIRY_MS) });
    // concurrent rebuilds may finish out of order: keep the newest, never go back to an older number
    if (this.issuer === issuer && (this.currentCrl === undefined || this.currentCrl.number < number)) this.currentCrl = built;
    return built;
  }

  private store(serial: string, pem: string, notAfter: Date): void {
    this.certs.set(serial, { serial, pem, notAfter, revokedAt: undefined });
  }
}
