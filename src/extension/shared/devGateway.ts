import { config } from './config';
import type { Services } from './services';

/** The dev gateway's URL: setting `flowgate.devGateway.url`, or the local emulator (started when needed). */
export async function devGatewayUrl(s: Services): Promise<string> {
  return config.devGatewayUrl() ?? (await s.local.ensureRunning());
}
