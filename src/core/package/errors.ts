import type { Diagnostic } from '../model/diagnostic';

/**
 * A package file (or the input to build one) that Flowgate refuses. `field` names what is at
 * fault, in the form the gateway API reports in `details[].field`: `file`, `manifest`,
 * `manifest.version`, `manifest.definitions[2].sha256`, `entries["../x"]`, `input.name`.
 * `diagnostics` carries the YAML/schema problems of a definition entry that does not parse.
 */
export class PackageFileError extends Error {
  override readonly name = 'PackageFileError';
  readonly field: string;
  readonly diagnostics: Diagnostic[];

  constructor(field: string, message: string, diagnostics: Diagnostic[] = []) {
    super(message);
    this.field = field;
    this.diagnostics = diagnostics;
  }
}

/** `entries["name"]`, with the name JSON-quoted so odd characters stay visible. */
export function entryField(name: string): string {
  return `entries[${JSON.stringify(name)}]`;
}
