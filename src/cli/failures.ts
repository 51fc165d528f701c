/**
 * Turning every expected failure (usage, CLI, gateway, package, validation) into a clear message
 * or a JSON error document and an exit code. Stack traces only for unexpected errors, and only
 * with FLOWGATE_DEBUG set.
 */
import { GatewayError } from '../core/client/gatewayClient';
import { credentialsAdvice } from '../core/client/credentials';
import { PackageFileError } from '../core/package/errors';
import { PackageValidationError } from '../core/package/pack';
import { countBySeverity, diagnosticToJson, formatDiagnostic, plural } from './diagnostics';
import type { ApiErrorDetail } from '../core/api/types';
import { CliError, EXIT_FAILED, EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, UsageError } from './errors';
import type { Output } from './output';

export interface FailureContext {
  command?: string;
  /** Workspace root, for printing diagnostics of a PackageValidationError. */
  root?: string;
  /** Gateway URL, for the unreachable message. */
  gateway?: string;
  /** The promotion commands' exit codes: 3 refused by the gateway, 4 unreachable (gatewayExitCode). */
  promotionExitCodes?: boolean;
}

/**
 * The exit code of a promotion command for a gateway error: 4 when the gateway — or the source
 * it pulls from — cannot be reached (no answer, a timeout, no authorization server answering, 502
 * source-unavailable), 1 when validation errors block an apply, 3 for every other refusal.
 */
export function gatewayExitCode(err: GatewayError): number {
  if (err.code === 'unreachable' || err.code === 'timeout' || err.code === 'source-unavailable') return EXIT_UNREACHABLE;
  if ((err.code === 'discovery-failed' || err.code === 'token-failed') && err.status === 0) return EXIT_UNREACHABLE;
  if (err.code === 'validation-failed') return EXIT_FAILED;
  return EXIT_REFUSED;
}

export function reportFailure(out: Output, err: unknown, ctx: FailureContext = {}): number {
  if (err instanceof UsageError) {
    const command = err.command ?? ctx.command;
    const hint = `Run 'flowgate${command ? ` ${command}` : ''} --help' for usage.`;
    out.error({ code: 'usage', message: err.message, hint }, [hint]);
    return EXIT_USAGE;
  }
  if (err instanceof CliError) {
    out.error(
      { code: err.code, message: err.message, ...(err.details.length ? { details: err.details } : {}), ...err.extra, ...(err.hint ? { hint: err.hint } : {}) },
      [...detailLines(err.details), ...(err.hint ? [err.hint] : [])],
    );
    return EXIT_FAILED;
  }
  if (err instanceof GatewayError) {
    const e = describeGatewayError(err, ctx.gateway);
    out.error(
      { code: err.code, status: err.status, message: e.message, ...(e.details.length ? { details: e.details } : {}) },
      [...detailLines(e.details), ...(e.hint ? [e.hint] : [])],
    );
    return ctx.promotionExitCodes ? gatewayExitCode(err) : EXIT_FAILED;
  }
  if (err instanceof PackageValidationError) {
    const { errors } = countBySeverity(err.diagnostics);
    const message = `the package has ${plural(errors, 'validation error')}; fix them and pack again`;
    out.error(
      { code: 'validation-failed', message, diagnostics: err.diagnostics.map(diagnosticToJson) },
      err.diagnostics.map((d) => `  ${formatDiagnostic(out, ctx.root ?? process.cwd(), d)}`),
    );
    return EXIT_FAILED;
  }
  if (err instanceof PackageFileError) {
    out.error({ code: 'invalid-package-file', field: err.field, message: `invalid package file: ${err.message}` });
    return EXIT_FAILED;
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    // A file-system error: its message names the path and the problem.
    out.error({ code: 'io', message });
    return EXIT_FAILED;
  }
  out.error({ code: 'internal', message: `unexpected error: ${message}` });
  if (process.env.FLOWGATE_DEBUG && err instanceof Error && err.stack) out.note(err.stack);
  return EXIT_FAILED;
}

function detailLines(details: ApiErrorDetail[]): string[] {
  return details.map((d) => `  - ${d.field ? `${d.field}: ` : ''}${d.message}`);
}

export interface GatewayErrorText {
  message: string;
  details: ApiErrorDetail[];
  hint?: string;
}

/** The human explanation of a gateway error. */
export function describeGatewayError(err: GatewayError, gateway?: string): GatewayErrorText {
  const details: ApiErrorDetail[] = Array.isArray(err.details)
    ? (err.details as ApiErrorDetail[]).map((d) => ({ field: String(d?.field ?? ''), message: String(d?.message ?? '') }))
    : [];
  switch (err.code) {
    case 'unreachable':
      return {
        message: `No gateway answers at ${gateway ?? 'the gateway URL'}; start one with \`flowgate emulator\``,
        details: [],
        // The client's message adds a cause worth showing (host unknown, connection closed).
        hint: /cannot be found|closed before/.test(err.message) ? `(${err.message})` : undefined,
      };
    case 'version-conflict':
      return {
        message: `${err.message}`,
        details,
        hint: 'Package versions are immutable: bump `version` in the package draft and publish again.',
      };
    case 'invalid-inputs':
      return {
        message: details.length ? `the gateway refused the inputs (${details.length === 1 ? '1 problem' : `${details.length} problems`})` : `the gateway refused the inputs: ${err.message}`,
        details,
      };
    case 'no-default-package':
      return { message: err.message, details, hint: 'Name the package with --package <name>, or make one the default package.' };
    case 'no-default-version':
      return { message: err.message, details, hint: 'Name the version with --version <n>, or publish one / make one the default.' };
    case 'flow-failed':
      return { message: `the flow failed: ${err.message}`, details };
    case 'unauthorized':
      return {
        message: `${err.message} (HTTP ${err.status})`,
        details,
        hint: /none were found/.test(err.message)
          ? undefined
          : 'The gateway did not accept the credentials: check FLOWGATE_CLIENT_ID / FLOWGATE_CLIENT_SECRET or the --credentials file (a local emulator\'s is its data folder\'s local-admin.json).',
      };
    case 'bad-credentials':
    case 'insecure-credentials':
      return { message: err.message, details, hint: credentialsAdvice(gateway ?? 'the gateway', { cliOption: true }) };
    case 'forbidden':
      return {
        message: `${err.message} (HTTP ${err.status})`,
        details,
        hint: 'The credentials are valid but not allowed to do this: management needs a client or user in one of the gateway\'s Admin groups; running a flow needs one in the version\'s groups.',
      };
    default:
      return { message: err.status ? `${err.message} (HTTP ${err.status} ${err.code})` : err.message, details };
  }
}
