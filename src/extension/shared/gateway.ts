import { GatewayClient } from '../../core/client/gatewayClient';

/**
 * How long the extension waits for a gateway, by what it is doing: the one table of client
 * timeouts (each is per request, until the whole answer is read). A call that has no name here
 * gets one before it gets a client.
 */
export const GATEWAY_TIMEOUTS = {
  /** Is a gateway there? `/healthz` of the configured local port, before adopting or starting one. */
  probe: 1_000,
  /** `/healthz` polled while the local emulator starts (many tries, each short). */
  startPoll: 500,
  /** `/healthz` of the dev gateway right before a publish. */
  reachable: 5_000,
  /** A tree's children (packages of a gateway, flows of a version): a slow gateway must not hold the view. */
  tree: 5_000,
  /** Lists behind a quick pick (packages of a gateway). */
  picker: 10_000,
  /** What a webview panel and the event stream ask (lists, details, previews, saves, opening the stream). */
  panel: 15_000,
  /** A management call (publish, unpublish, defaults, new version, reading before Run Flow). */
  action: 30_000,
  /** Uploading a package file on Publish to Dev Gateway. */
  upload: 60_000,
  /** Package files in and out of a gateway (Import, Export). */
  transfer: 120_000,
  /** A synchronous Run Flow: the answer comes when the flow ends. */
  run: 5 * 60_000,
} as const;

export type GatewayTimeout = keyof typeof GATEWAY_TIMEOUTS;

/**
 * The one way the extension gets a client of a gateway: core's GatewayClient (the one the CLI
 * uses too; its errors are `GatewayError { status, code, message, details }`) with a named
 * timeout. Clients hold no connection, so each caller takes one per task.
 */
export function gatewayClient(url: string, timeout: GatewayTimeout): GatewayClient {
  return new GatewayClient(url, { timeoutMs: GATEWAY_TIMEOUTS[timeout] });
}
