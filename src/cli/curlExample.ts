/**
 * How to run a published flow by hand: a copy-pasteable `curl` command (and the `flowgate run`
 * equivalent) built from the flow's declared inputs, with sample values for the required ones.
 */
import { routes } from '../core/api/routes';
import type { FlowSignature } from '../core/api/types';

/** Quotes a word for a POSIX shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\-./:=@%+,]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A plausible value for an input of this name and type. */
export function sampleValue(name: string, type: string): unknown {
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      if (/device|host|address|^ip$|ipv4|server|target/i.test(name)) return '10.0.0.1';
      if (/url|endpoint/i.test(name)) return 'http://example.com';
      if (/command/i.test(name)) return 'uptime';
      return 'example';
  }
}

/** Sample input variables: the required inputs (no default), each with a sample value. */
export function sampleInputs(sig: FlowSignature): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(sig.inputs ?? {})) {
    if (decl.required && decl.default === undefined) inputs[name] = sampleValue(name, decl.type);
  }
  return inputs;
}

export interface RunExample {
  flow: string;
  packageName: string;
  packageVersion: number;
  inputVariables: Record<string, unknown>;
  curl: string;
  run: string;
  /** The version has groups: the curl line needs $TOKEN. */
  authorised: boolean;
}

export interface RunLineStyle {
  /** How the command line is invoked: `flowgate` when it is on PATH, `npx flowgate` in a clone. */
  command?: string;
  /** The package is the gateway's default and this version its default version: leave both out. */
  defaultPackage?: boolean;
  /** The gateway URL is the command line's default one: leave `--gateway` out. */
  defaultGateway?: boolean;
  /**
   * The version has groups: the curl line sends `Authorization: Bearer $TOKEN` (see tokenCommand),
   * and the run line names this credentials file when the command line would not find it itself.
   */
  authorised?: { credentialsFile?: string };
}

/** The shell variable the authorised curl lines use. */
export const TOKEN_VARIABLE = 'TOKEN';

/**
 * A shell line that sets $TOKEN to a client-credentials access token of the client in
 * `credentialsFile` (an emulator's local-admin.json), from `tokenEndpoint` — with curl and jq, the
 * secret read from the file, never written on the command line.
 */
export function tokenCommand(credentialsFile: string, tokenEndpoint: string): string {
  const file = shellQuote(credentialsFile);
  return (
    `${TOKEN_VARIABLE}=$(curl -s -u "$(jq -r '.client_id + ":" + .client_secret' ${file})" ` +
    `-d grant_type=client_credentials ${shellQuote(tokenEndpoint)} | jq -r .access_token)`
  );
}

export function runExample(gatewayUrl: string, packageName: string, packageVersion: number, sig: FlowSignature, style: RunLineStyle = {}): RunExample {
  const inputVariables = sampleInputs(sig);
  const query = `packageName=${encodeURIComponent(packageName)}&packageVersion=${packageVersion}`;
  const url = `${gatewayUrl}${routes.startExecution(sig.name)}?${query}`;
  const body = JSON.stringify({ inputVariables });
  const bearer = style.authorised ? ` -H "Authorization: Bearer $${TOKEN_VARIABLE}"` : '';
  const curl = `curl -s -X POST ${shellQuote(url)}${bearer} -H 'Content-Type: application/json' -d ${shellQuote(body)}`;
  const inputArgs = Object.entries(inputVariables).map(
    ([k, v]) => `--input ${shellQuote(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)}`,
  );
  const run = [
    `${style.command ?? 'flowgate'} run`,
    shellQuote(sig.name),
    ...(style.defaultPackage ? [] : ['--package', shellQuote(packageName), '--version', String(packageVersion)]),
    ...inputArgs,
    ...(style.defaultGateway ? [] : ['--gateway', shellQuote(gatewayUrl)]),
    ...(style.authorised?.credentialsFile ? ['--credentials', shellQuote(style.authorised.credentialsFile)] : []),
  ].join(' ');
  return { flow: sig.name, packageName, packageVersion, inputVariables, curl, run, authorised: style.authorised !== undefined };
}
