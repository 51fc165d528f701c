/**
 * What one package version, and one package, may add to the store (LIMITS). Checked twice:
 * from the zip's central directory before anything is inflated or parsed (declared sizes — the
 * reader refuses an entry whose real size differs), and on the parsed version before anything is
 * written. A version over a quota is 413 `quota-exceeded` naming the field; the gateway's state
 * as a whole over LIMITS.storeBytes is 507 (db.ts).
 */
import { LIMITS } from '../../core/limits';
import { INSTRUCTIONS_ENTRY, MANIFEST_ENTRY } from '../../core/model/manifest';
import { entryField } from '../../core/package/errors';
import { MAX_PACKAGE_ENTRIES } from '../../core/package/packageFile';
import { readZipDirectory } from '../../core/package/zipDirectory';
import { SIGNATURE_ENTRY } from '../../core/package/signature';
import { ApiError } from '../errors';

export function quotaExceeded(field: string, message: string): ApiError {
  return new ApiError(413, 'quota-exceeded', `Quota exceeded: ${field}: ${message}`, [{ field, message }]);
}

const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) ? 1 : 0)} MB` : `${n} bytes`);

/**
 * Quotas from the zip's declared sizes; answers the total uncompressed bytes. A file that is not
 * a readable zip passes here: the package reader says what is wrong with it.
 */
export function checkDeclaredSizes(bytes: Uint8Array): number {
  let entries: ReturnType<typeof readZipDirectory>;
  try {
    entries = readZipDirectory(bytes, MAX_PACKAGE_ENTRIES);
  } catch {
    return 0;
  }
  let total = 0;
  let definitions = 0;
  for (const e of entries) {
    if (e.name === SIGNATURE_ENTRY) {
      // Not content: bounded on its own (a signature is a few hundred bytes), before anything is inflated.
      if (e.uncompressedSize > LIMITS.signatureEntryBytes) {
        const message = `${SIGNATURE_ENTRY} declares ${mb(e.uncompressedSize)}; a signature has at most ${LIMITS.signatureEntryBytes} bytes`;
        throw new ApiError(400, 'invalid-signature', `Invalid signature: ${message}`, [{ field: 'signature', message }]);
      }
      continue;
    }
    total += e.uncompressedSize;
    if (e.name === MANIFEST_ENTRY) {
      if (e.uncompressedSize > LIMITS.manifestBytes) throw quotaExceeded('manifest', `${MANIFEST_ENTRY} inflates to ${mb(e.uncompressedSize)}; at most ${mb(LIMITS.manifestBytes)}`);
    } else if (e.name === INSTRUCTIONS_ENTRY) {
      if (e.uncompressedSize > LIMITS.instructionsLength) throw quotaExceeded('instructions', `${INSTRUCTIONS_ENTRY} is ${mb(e.uncompressedSize)}; at most ${mb(LIMITS.instructionsLength)}`);
    } else if (!e.name.endsWith('/')) {
      definitions++;
      if (e.uncompressedSize > LIMITS.definitionTextBytes) {
        throw quotaExceeded(entryField(e.name), `the definition text is ${mb(e.uncompressedSize)}; at most ${mb(LIMITS.definitionTextBytes)}`);
      }
    }
  }
  if (definitions > LIMITS.definitionsPerVersion) {
    throw quotaExceeded('manifest.definitions', `${definitions} definitions; at most ${LIMITS.definitionsPerVersion} per version`);
  }
  if (total > LIMITS.versionContentBytes) {
    throw quotaExceeded('body', `the version holds ${mb(total)} of text; at most ${mb(LIMITS.versionContentBytes)} per version`);
  }
  return total;
}

/** Quotas on the parsed version. */
export function checkVersionTexts(v: { description?: string; instructions: string; definitions: number; texts: { id: string; kind: string; text: string }[] }): number {
  if (v.description !== undefined && v.description.length > LIMITS.textLength) {
    throw quotaExceeded('manifest.description', `${v.description.length} characters; at most ${LIMITS.textLength}`);
  }
  const instructionBytes = Buffer.byteLength(v.instructions, 'utf8');
  if (instructionBytes > LIMITS.instructionsLength) {
    throw quotaExceeded('instructions', `${mb(instructionBytes)}; at most ${mb(LIMITS.instructionsLength)}`);
  }
  if (v.definitions > LIMITS.definitionsPerVersion) {
    throw quotaExceeded('manifest.definitions', `${v.definitions} definitions; at most ${LIMITS.definitionsPerVersion} per version`);
  }
  let total = instructionBytes + Buffer.byteLength(v.description ?? '', 'utf8');
  for (const t of v.texts) {
    const n = Buffer.byteLength(t.text, 'utf8');
    if (n > LIMITS.definitionTextBytes) throw quotaExceeded(`definitions.${t.kind}:${t.id}`, `${mb(n)}; at most ${mb(LIMITS.definitionTextBytes)}`);
    total += n;
  }
  if (total > LIMITS.versionContentBytes) {
    throw quotaExceeded('body', `the version holds ${mb(total)} of text; at most ${mb(LIMITS.versionContentBytes)} per version`);
  }
  return total;
}

/** The package's versions together. */
export function checkPackageTotal(packageName: string, existingBytes: number, addedBytes: number): void {
  if (existingBytes + addedBytes > LIMITS.packageContentBytes) {
    throw quotaExceeded(
      'body',
      `package ${packageName} would hold ${mb(existingBytes + addedBytes)} over all its versions; at most ${mb(LIMITS.packageContentBytes)} — delete unpublished versions first`,
    );
  }
}

/** One version's state record in store.json. */
export function checkVersionRecord(record: unknown): void {
  const n = JSON.stringify(record).length;
  if (n > LIMITS.versionRecordBytes) {
    throw quotaExceeded('manifest', `the version's state (definitions list, flow signatures, schedules, triggers) is ${mb(n)}; at most ${mb(LIMITS.versionRecordBytes)}`);
  }
}
