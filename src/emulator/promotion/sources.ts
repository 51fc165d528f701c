/**
 * The source gateways of gateway.yaml `promotion.sources`, ready to call: each with its secret
 * read from `clientSecretFile` (relative to the configuration file) and its optional `caFile`, a
 * GatewayClient whose tokens come from the source's own token endpoint (core's ClientCredentialsTokens) and whose
 * requests go through sourceFetch.ts (the source's CA, no redirects, a bounded time).
 *
 * The secret is held here and in the token source only: it is in no answer, log line or error
 * (the client redacts it, and messages built here never quote it).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GatewayClient } from '../../core/client/gatewayClient';
import type { GatewayConfig } from '../../core/gatewayConfig/schema';
import { ConfigError } from '../auth/config';
import { sourceFetch } from './sourceFetch';
import { ClientCredentialsTokens } from '../../core/client/tokens';
import { promotionTuning } from './tuning';

export interface PromotionSource {
  name: string;
  url: string;
  trustedKeys: string[];
  clientId: string;
  client: GatewayClient;
  /** Texts that must never appear in an answer or a log line (the secret, tokens). */
  secrets(): string[];
}

/** Bytes a secret or CA file may have. */
const MAX_FILE_BYTES = 64 * 1024;

async function readConfigured(configFile: string, field: string, value: string): Promise<string> {
  const file = path.resolve(path.dirname(configFile), value);
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'not a file' });
    if (st.size > MAX_FILE_BYTES) throw Object.assign(new Error('too large'), { code: `larger than ${MAX_FILE_BYTES} bytes` });
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`Gateway configuration ${configFile} is not valid:\n  ${field}: cannot read ${file} (${code})`);
  }
}

/** Reads every source's files; an unreadable one refuses the start naming the field (ConfigError, exit code 2). */
export async function loadSources(config: GatewayConfig, configFile: string): Promise<PromotionSource[]> {
  const tuning = promotionTuning();
  const out: PromotionSource[] = [];
  const entries = config.promotion?.sources ?? [];
  for (let i = 0; i < entries.length; i++) {
    const s = entries[i];
    const secret =
      s.clientSecret ?? (await readConfigured(configFile, `promotion.sources[${i}].clientSecretFile`, s.clientSecretFile ?? '')).replace(/\r?\n$/, '');
    if (secret === '' || /[\u0000-\u001f\u007f]/.test(secret)) {
      throw new ConfigError(`Gateway configuration ${configFile} is not valid:\n  promotion.sources[${i}].clientSecretFile: the secret must be one line of printable characters`);
    }
    const ca = s.caFile !== undefined ? await readConfigured(configFile, `promotion.sources[${i}].caFile`, s.caFile) : undefined;
    if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new ConfigError(`Gateway configuration ${configFile} is not valid:\n  promotion.sources[${i}].caFile: not a PEM certificate`);
    }
    const fetchImpl = sourceFetch(ca !== undefined ? { ca } : {});
    const url = s.url.replace(/\/+$/, '');
    // Client-credential tokens as the CLI gets them, through this source's own fetch (its CA, no redirects).
    const tokens = new ClientCredentialsTokens({ clientId: s.clientId, clientSecret: secret, source: `source ${s.name}` }, url, {
      fetch: fetchImpl,
      timeoutSeconds: Math.max(1, Math.ceil(tuning.sourceTimeoutMs / 1000)),
    });
    const client = new GatewayClient(url, { credentials: tokens, fetch: fetchImpl, timeoutMs: tuning.sourceTimeoutMs });
    out.push({ name: s.name, url, trustedKeys: [...s.trustedKeys], clientId: s.clientId, client, secrets: () => tokens.secrets() });
  }
  return out;
}
