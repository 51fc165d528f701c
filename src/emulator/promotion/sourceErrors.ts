/** A failed call to a source, as this gateway's answer: 502 source-unavailable naming the source and its URL, or the source's own 404. */
import { GatewayError } from '../../core/client/gatewayError';
import { ApiError } from '../errors';
import type { PromotionSource } from './sources';

export function sourceFailure(source: PromotionSource, err: unknown, what: string): ApiError {
  if (err instanceof ApiError) return err;
  let message: string;
  if (err instanceof GatewayError) {
    if (err.status === 404 && (err.code === 'package-not-found' || err.code === 'version-not-found')) {
      return new ApiError(404, err.code === 'package-not-found' ? 'package-not-found' : 'version-not-found', `Source ${source.name}: ${clean(err.message, source)}`);
    }
    const why =
      err.status === 0
        ? clean(err.message, source)
        : err.status === 401 || err.status === 403
          ? `it refused this gateway's credential (client "${source.clientId}", ${err.status} ${err.code}): ${clean(err.message, source)}`
          : `it answered ${err.status} ${err.code}: ${clean(err.message, source)}`;
    message = why;
  } else {
    message = clean(String((err as Error)?.message ?? err), source);
  }
  return new ApiError(502, 'source-unavailable', `Source ${source.name} at ${source.url} is unavailable (${what}): ${message}`.slice(0, 2000), [
    { field: 'source', message: `${source.name} (${source.url})` },
  ]);
}

/** Secrets out, length bounded. */
export function clean(text: string, source: PromotionSource): string {
  let out = text;
  for (const s of source.secrets()) if (s) out = out.split(s).join('***');
  return out.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 1000);
}
