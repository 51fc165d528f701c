/**
 * A real emulator process started with a given gateway configuration: the text is written as
 * `gateway.yaml` into a fresh temp data folder (where the emulator reads it by default), the emulator
 * adds its local admin client to it on start, and stop()/kill() remove the folder.
 *
 *   const gw = await startWithGatewayConfig(['directory:', '  kind: embedded', ...]);
 *   await call(gw, 'GET', '/api/v1/packages');   // the local admin's token, as with startEmulatorProcess
 *   await gw.stop();
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulatorProcess, type EmulatorProcess, type EmulatorProcessOptions } from './emulatorProcess';

export interface ConfiguredEmulator extends EmulatorProcess {
  /** `<dataDir>/gateway.yaml`. */
  configFile: string;
}

/** Writes `config` (text, or lines joined with newlines) to `<new temp data folder>/gateway.yaml` and starts the emulator on it. */
export async function startWithGatewayConfig(config: string | readonly string[], opts: Omit<EmulatorProcessOptions, 'dataDir'> = {}): Promise<ConfiguredEmulator> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-gwconfig-'));
  const configFile = path.join(dataDir, 'gateway.yaml');
  writeFileSync(configFile, typeof config === 'string' ? config : config.join('\n') + '\n', { mode: 0o600 });
  let gw: EmulatorProcess;
  try {
    gw = await startEmulatorProcess({ ...opts, dataDir });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const remove = () => rmSync(dataDir, { recursive: true, force: true });
  return {
    ...gw,
    configFile,
    stop: async () => {
      try {
        return await gw.stop();
      } finally {
        remove();
      }
    },
    kill: async () => {
      try {
        await gw.kill();
      } finally {
        remove();
      }
    },
  };
}
