/**
 * Which credentials the command line presents to a gateway (core's rules, src/core/client/credentials.ts):
 * FLOWGATE_CLIENT_ID / FLOWGATE_CLIENT_SECRET, else `--credentials <file>`, else the `local-admin.json`
 * of an emulator data folder the command line knows whose issuer is on the gateway's origin:
 *   - the emulator this very process runs (`flowgate emulator --publish`),
 *   - $FLOWGATE_DATA (the data folder `flowgate emulator` uses when it is set),
 *   - ~/.flowgate/emulator (`flowgate emulator`'s default),
 *   - <this package>/.flowgate/emulator (what `npm start` uses in a clone).
 * and last the session `flowgate login --gateway <url>` stored for that gateway.
 * So a local emulator needs no sign-in; secrets never go on the command line.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GatewayClient } from '../core/client/gatewayClient';
import { credentialsAdvice } from '../core/client/credentials';
import { credentialSource } from '../core/client/tokens';
import { FileSessionStore } from '../core/client/sessions';
import { str, type ParsedArgs } from './args';

/** The root of this package (where package.json is), from the running bundle or source file. */
function packageRoot(): string | undefined {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    if (path.dirname(dir) === dir) return undefined;
    dir = path.dirname(dir);
  }
  return dir;
}

/** Emulator data folders the command line knows, in the order they are searched. */
export function knownDataDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  const data = env.FLOWGATE_DATA;
  if (data) dirs.push(path.resolve(data.startsWith('~') ? path.join(os.homedir(), data.slice(1)) : data));
  dirs.push(path.join(os.homedir(), '.flowgate', 'emulator'));
  const root = packageRoot();
  if (root) dirs.push(path.join(root, '.flowgate', 'emulator'));
  return [...new Set(dirs)];
}

/**
 * A client of the gateway at `url` with the command line's credentials. `dataDirs` come first
 * (an emulator this process started).
 */
export function clientFor(url: string, args?: ParsedArgs, options: { dataDirs?: string[]; timeoutMs?: number } = {}): GatewayClient {
  const credentialsFile = args ? str(args, 'credentials') : undefined;
  const lookup = {
    env: process.env,
    ...(credentialsFile ? { credentialsFile } : {}),
    dataDirs: [...(options.dataDirs ?? []), ...knownDataDirs()],
    // Last: the session of `flowgate login` for this gateway.
    sessions: new FileSessionStore(),
    sessionAdvice: `Run \`flowgate login --gateway ${url}\` to sign in again.`,
  };
  return new GatewayClient(url, {
    credentials: credentialSource(url, lookup, credentialsAdvice(url, { cliOption: true })),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
