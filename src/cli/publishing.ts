/**
 * Upload + publish of a package file: the one code path behind `flowgate publish` and
 * `flowgate emulator --publish`.
 */
import type { GatewayClient } from '../core/client/gatewayClient';
import type { PackageManifest } from '../core/model/manifest';

export interface PublishOutcome {
  name: string;
  version: number;
  contentDigest: string;
  /** False when the gateway already held this exact version (identical re-upload). */
  created: boolean;
  /** True when the version is published after the call. */
  published: boolean;
}

export { clientFor } from './credentials';

/**
 * Uploads the package file and, unless `publish` is false, publishes the version. An identical
 * version already on the gateway is fine (`created: false`); a different one with the same
 * name and version is a GatewayError `version-conflict` (409) for the caller to explain.
 */
export async function uploadAndPublish(
  client: GatewayClient,
  bytes: Uint8Array,
  manifest: PackageManifest,
  opts: { publish: boolean; allowUnsigned?: boolean },
): Promise<PublishOutcome> {
  // allowUnsigned: a protected target's explicit exception for an Admin (the gateway's audit log records it).
  const upload = await client.uploadPackage(bytes, opts.allowUnsigned ? { allowUnsigned: true } : {});
  let published = false;
  if (opts.publish) {
    await client.publish(manifest.name, manifest.version);
    published = true;
  }
  return {
    name: manifest.name,
    version: manifest.version,
    contentDigest: manifest.contentDigest,
    created: upload.created,
    published,
  };
}
