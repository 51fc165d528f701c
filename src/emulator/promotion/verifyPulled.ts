/** The pulled file's checks (promotion, target side), before anything of it is stored. */
import type { ImportRequest } from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import { readPackageFile, type PackageContents } from '../../core/package/packageFile';
import { PackageFileError } from '../../core/package/errors';
import { isUntrustedSigner } from '../../core/package/signature';
import { ApiError } from '../errors';
import { checkDeclaredSizes } from '../store/quotas';
import type { PromotionSource } from './sources';

/**
 * The pulled bytes, verified before anything is stored: declared sizes, the signature against the
 * source's trusted keys (before the manifest is parsed), every entry, and that the manifest names
 * exactly the requested name and version. Errors say which.
 */
export async function verifyPulled(bytes: Uint8Array, source: PromotionSource, req: ImportRequest): Promise<PackageContents> {
  checkDeclaredSizes(bytes);
  let file: PackageContents;
  try {
    file = await readPackageFile(bytes, {
      maxUncompressedBytes: LIMITS.versionContentBytes + LIMITS.manifestBytes,
      verifySignature: { isTrusted: (kid) => source.trustedKeys.includes(kid), required: true },
    });
  } catch (err) {
    if (isUntrustedSigner(err)) {
      throw new ApiError(400, 'untrusted-signer', `The file from source ${source.name} is signed by a key this gateway does not trust for it: ${(err as Error).message}`, [
        { field: 'signature', message: 'untrusted signer' },
      ]);
    }
    if (err instanceof PackageFileError && err.field === 'signature') {
      throw new ApiError(400, 'invalid-signature', `The file from source ${source.name} is refused: ${err.message}`, [{ field: 'signature', message: err.message.slice(0, 500) }]);
    }
    if (err instanceof PackageFileError) {
      throw new ApiError(400, 'invalid-package-file', `The file from source ${source.name} is refused: ${err.field}: ${err.message}`, [{ field: err.field, message: err.message.slice(0, 500) }]);
    }
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, 'invalid-package-file', `The file from source ${source.name} is refused: ${(err as Error)?.message ?? String(err)}`.slice(0, 2000), [{ field: 'file', message: 'unreadable' }]);
  }
  const m = file.manifest;
  const wrong: { field: string; message: string }[] = [];
  if (m.name !== req.name) wrong.push({ field: 'manifest.name', message: `the file is of package ${m.name}, not ${req.name}` });
  if (m.version !== req.version) wrong.push({ field: 'manifest.version', message: `the file is version ${m.version}, not the requested ${req.version}` });
  if (wrong.length) {
    throw new ApiError(400, 'invalid-package-file', `The file from source ${source.name} is validly signed but is another version: ${wrong.map((w) => `${w.field}: ${w.message}`).join('; ')}`, wrong);
  }
  if (!file.signer) throw new ApiError(400, 'invalid-signature', `The file from source ${source.name} carries no verified signature`, [{ field: 'signature', message: 'missing' }]);
  return file;
}
