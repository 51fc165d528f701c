/**
 * The package file format (`.fgpkg`): a zip holding
 *   manifest.json                         this manifest
 *   definitions/flows/<id>.flow.yaml      each flow, as it was in the workspace (after replacements)
 *   definitions/connections/<id>.connection.yaml
 *   INSTRUCTIONS.md                       the instructions (may be empty)
 * and, from the signing issue on, a signature entry. Every entry but the manifest (and signature)
 * is listed in the manifest with its SHA-256; a reader refuses a file whose entries disagree.
 */
import type { DefinitionKind } from './definition';

export const PACKAGE_FORMAT = 'flowgate-package/1';
export const MANIFEST_ENTRY = 'manifest.json';
export const INSTRUCTIONS_ENTRY = 'INSTRUCTIONS.md';

export interface ManifestDefinition {
  kind: DefinitionKind;
  id: string;
  /** Entry path inside the zip, e.g. `definitions/flows/network/core/Restart-Service.flow.yaml`. */
  file: string;
  sha256: string;
}

export interface PackageManifest {
  format: typeof PACKAGE_FORMAT;
  name: string;
  version: number;
  description?: string;
  createdAt: string;
  /** Who built it: `flowgate-cli/0.1.0`, `flowgate-vscode/0.1.0`, or a gateway's name. */
  createdBy: string;
  definitions: ManifestDefinition[];
  instructions: { file: string; sha256: string };
  authorisation: { groups: string[] };
  schedules: unknown[];
  triggers: unknown[];
  /**
   * SHA-256 over the package's content (definitions, instructions, authorisation, schedules,
   * triggers), independent of createdAt / createdBy. Two files with the same name, version and
   * digest are the same version: uploading again is a no-op; a different digest is a 409.
   */
  contentDigest: string;
}
