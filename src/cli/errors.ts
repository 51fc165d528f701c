/** Exit codes and the errors a command throws for expected failures (printed without a stack). */
import type { ApiErrorDetail } from '../core/api/types';

export const EXIT_OK = 0;
/** Validation or operation failed. */
export const EXIT_FAILED = 1;
/** Unknown command or flag, missing or malformed argument. */
export const EXIT_USAGE = 2;
/**
 * Promotion commands (`flowgate promote`, `flowgate imports`), for pipelines that branch on why:
 * the gateway answered and refused (a signature, rollback protection, a conflict, a closed
 * import, credentials). Other commands keep 1 for these.
 */
export const EXIT_REFUSED = 3;
/** Promotion commands: the gateway — or the source it pulls from — could not be reached; retrying later may help. */
export const EXIT_UNREACHABLE = 4;

/** A failure the user can act on: printed as a message (plus details), exit code 1. */
export class CliError extends Error {
  readonly code: string;
  readonly details: ApiErrorDetail[];
  readonly hint?: string;
  readonly extra?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    opts: { details?: ApiErrorDetail[]; hint?: string; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.details = opts.details ?? [];
    this.hint = opts.hint;
    this.extra = opts.extra;
  }
}

/** A mistake in the command line itself: exit code 2 with a hint to `--help` (core's one usage error). */
export { UsageError } from '../core/usageError';
