/** Argument parsing on top of node:util parseArgs, turning its errors into usage errors. */
import { parseArgs } from 'node:util';
import { UsageError } from './errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Flags every command accepts. */
export const COMMON_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
};

/** `--gateway <url>` and `--credentials <file>` (src/cli/credentials.ts): every command that talks to a gateway. */
export const GATEWAY_OPTION: OptionSpecs = {
  gateway: { type: 'string', short: 'g' },
  credentials: { type: 'string' },
};

export const DEFAULT_GATEWAY = 'http://127.0.0.1:8722';

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: string, argv: string[], options: OptionSpecs): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: { ...values } as ParsedArgs['values'], positionals };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // parseArgs appends advice about `--` to some messages; keep the first sentence.
    throw new UsageError(firstSentence(message), command);
  }
}

function firstSentence(message: string): string {
  const cut = message.search(/\.\s/);
  return cut > 0 ? message.slice(0, cut + 1) : message;
}

export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function list(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** Positionals: at most `max`, at least `min`, each named for the error message. */
export function positionals(command: string, args: ParsedArgs, names: string[], min: number): string[] {
  if (args.positionals.length < min) {
    throw new UsageError(`missing argument <${names[args.positionals.length]}>`, command);
  }
  if (args.positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${args.positionals[names.length]}'`, command);
  }
  return args.positionals;
}

/** `--gateway`, else FLOWGATE_GATEWAY, else the local emulator's default address. */
export function gatewayUrl(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string {
  return checkGatewayUrl(str(args, 'gateway') ?? (env.FLOWGATE_GATEWAY || DEFAULT_GATEWAY));
}

/** A gateway URL given on the command line (`--against`, `--to`), without trailing slashes; a usage error otherwise. */
export function checkGatewayUrl(raw: string, option?: string): string {
  const what = option ? `${option}: ` : '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${what}'${raw}' is not a gateway URL (expected e.g. ${DEFAULT_GATEWAY})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${what}'${raw}' is not an http(s) URL`);
  }
  return raw.replace(/\/+$/, '');
}
