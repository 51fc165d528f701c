/**
 * Whom the gateway trusts to have signed a package file, and how it signs (issue 10, "Signing").
 *
 * - Its own keys (packageKeys.ts, current and older ones kept after a rotation) sign what the
 *   gateway creates: an Admin's upload of an unsigned file (a submission: the gateway signs it as
 *   its creator), a new version, an export rebuilt with changed settings.
 * - Each promotion source of gateway.yaml (`promotion.sources[].trustedKeys`, several for a key
 *   rotation) is trusted for what it signs — for a pull from that source, only that source's keys
 *   (`trustedForSource`); for a direct upload, any of them (`trustedForUpload`: an export of a
 *   trusted source's version uploaded by hand is the same signed version).
 *
 * Trust is by key id only (the RFC 7638 thumbprint the reader computes from the key in the
 * signature's header, core/package/signature.ts): nothing in a file brings its own trust.
 * The configuration is read once at start: changing trusted keys needs a restart.
 */
import type { GatewayConfig } from '../../core/gatewayConfig/schema';
import { signPackageFile } from '../../core/package/signature';
import type { PackageSigningKeys } from './packageKeys';

export interface PackageTrust {
  /** This gateway's keys. */
  readonly keys: PackageSigningKeys;
  /** gateway.yaml `promotion.protected`: direct uploads refused unless `allowUnsigned` by an Admin. */
  readonly protectedTarget: boolean;
  /** A file uploaded directly (POST /api/v1/packages): signed by this gateway or by any configured source. */
  trustedForUpload(kid: string): boolean;
  /** A file pulled from the source named `sourceName`: signed by one of that source's trusted keys (only those). */
  trustedForSource(sourceName: string, kid: string): boolean;
  /** The file with a signature by this gateway's current key (any earlier signature replaced). */
  sign(bytes: Uint8Array): Promise<Uint8Array>;
  /** The current key's id: the signer of what `sign` answers. */
  readonly currentKid: string;
}

export function packageTrust(keys: PackageSigningKeys, promotion: Pick<GatewayConfig['promotion'], 'protected' | 'sources'> | undefined): PackageTrust {
  const bySource = new Map<string, ReadonlySet<string>>();
  for (const s of promotion?.sources ?? []) bySource.set(s.name, new Set(s.trustedKeys));
  const anySource = new Set([...bySource.values()].flatMap((s) => [...s]));
  return {
    keys,
    protectedTarget: promotion?.protected === true,
    currentKid: keys.currentKid,
    trustedForUpload: (kid) => keys.isOwn(kid) || anySource.has(kid),
    trustedForSource: (sourceName, kid) => bySource.get(sourceName)?.has(kid) ?? false,
    sign: (bytes) => signPackageFile(bytes, keys.signer()),
  };
}
