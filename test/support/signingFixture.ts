/**
 * Package signing in tests (issue 10): a gateway's key ids, and a gateway started with a
 * `promotion:` section — protected or not, trusting other gateways' keys as a user configures it
 * (`flowgate keys show` on the source, its kid pasted into `promotion.sources[].trustedKeys`).
 *
 *   const dev = await startEmulatorProcess();
 *   const qa = await startTrusting([{ name: 'dev', gw: dev }]);      // uploads of dev's exports accepted
 *   const prod = await startTrusting([], { protected: true });       // direct uploads refused (403)
 */
import { defaultGatewayConfigText } from '../../src/core/gatewayConfig/schema';
import { startWithGatewayConfig, type ConfiguredEmulator } from './gatewayConfigFixture';
import type { EmulatorProcess, EmulatorProcessOptions } from './emulatorProcess';

export interface PublicKeyEntry {
  kid: string;
  jwk: { kty: string; crv: string; x: string };
  current: boolean;
  createdAt: string;
}

/** GET /api/v1/gateway/keys (public: no token). */
export async function gatewayKeys(gw: Pick<EmulatorProcess, 'url'>): Promise<PublicKeyEntry[]> {
  const res = await fetch(`${gw.url}/api/v1/gateway/keys`);
  if (res.status !== 200) throw new Error(`GET /api/v1/gateway/keys: ${res.status}`);
  return ((await res.json()) as { keys: PublicKeyEntry[] }).keys;
}

/** The gateway's current key id. */
export async function currentKid(gw: Pick<EmulatorProcess, 'url'>): Promise<string> {
  const k = (await gatewayKeys(gw)).find((x) => x.current);
  if (!k) throw new Error('no current key');
  return k.kid;
}

export interface TrustedSource {
  name: string;
  /** The source gateway (its URL and current key are configured), or explicit values. */
  gw?: Pick<EmulatorProcess, 'url'>;
  url?: string;
  kids?: string[];
}

/** gateway.yaml text: the default configuration plus a `promotion:` section. */
export async function promotionConfig(sources: TrustedSource[], opts: { protected?: boolean } = {}): Promise<string> {
  const lines = [defaultGatewayConfigText([]).trimEnd(), 'promotion:'];
  if (opts.protected !== undefined) lines.push(`  protected: ${opts.protected}`);
  if (sources.length) {
    lines.push('  sources:');
    for (const s of sources) {
      const kids = s.kids ?? [await currentKid(s.gw!)];
      lines.push(
        `    - name: ${s.name}`,
        `      url: ${s.url ?? s.gw!.url}`,
        '      clientId: promotion-client',
        '      clientSecret: not-used-by-these-tests',
        `      trustedKeys: [${kids.join(', ')}]`,
      );
    }
  } else if (opts.protected === undefined) {
    lines.push('  protected: false');
  }
  return lines.join('\n') + '\n';
}

/** A real emulator whose gateway.yaml trusts `sources` (and is protected when asked). */
export async function startTrusting(
  sources: TrustedSource[],
  opts: { protected?: boolean } & Omit<EmulatorProcessOptions, 'dataDir'> = {},
): Promise<ConfiguredEmulator> {
  const { protected: isProtected, ...rest } = opts;
  return startWithGatewayConfig(await promotionConfig(sources, isProtected !== undefined ? { protected: isProtected } : {}), rest);
}
