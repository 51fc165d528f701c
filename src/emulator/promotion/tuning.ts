/**
 * Time bounds of promotion's calls to sources and of the outbox's retries. The defaults are for
 * use; the environment variables exist FOR TESTS (a test cannot wait a minute for a retry):
 *
 * - FLOWGATE_SOURCE_TIMEOUT_MS: one request to a source, until its whole answer is read (default 30 000).
 * - FLOWGATE_OUTBOX_RETRY_MS: the outbox's first retry delay (default 1 000), doubled per attempt
 * - FLOWGATE_OUTBOX_RETRY_MAX_MS: up to this (default 60 000).
 */
export interface PromotionTuning {
  sourceTimeoutMs: number;
  retryMinMs: number;
  retryMaxMs: number;
}

function envMs(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || !/^[0-9]{1,9}$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}

export function promotionTuning(): PromotionTuning {
  const retryMinMs = envMs('FLOWGATE_OUTBOX_RETRY_MS', 1000, 10, 3_600_000);
  return {
    sourceTimeoutMs: envMs('FLOWGATE_SOURCE_TIMEOUT_MS', 30_000, 100, 600_000),
    retryMinMs,
    retryMaxMs: Math.max(retryMinMs, envMs('FLOWGATE_OUTBOX_RETRY_MAX_MS', 60_000, 10, 3_600_000)),
  };
}
