import type { ApiErrorCode, ApiErrorDetail } from '../api/types';

/**
 * Codes a GatewayError may carry: the gateway's own (`ApiErrorCode`), and those the client sets
 * when there is no usable answer: `unreachable` / `timeout` (status 0), `bad-response` (an
 * answer that is not what the API promises), `http-error` (a status with no better name).
 */
export type GatewayErrorCode = ApiErrorCode | 'unreachable' | 'timeout' | 'bad-response' | 'invalid-url' | 'http-error' | (string & {});

/** Anything that went wrong talking to a gateway. `status` is 0 when no HTTP answer came. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly status: number;
  readonly code: GatewayErrorCode;
  readonly details: ApiErrorDetail[];

  constructor(status: number, code: GatewayErrorCode, message: string, details: ApiErrorDetail[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}
