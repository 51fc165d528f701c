/**
 * Reads a zip's central directory straight from the bytes, before any entry is inflated, so the
 * package reader can check the raw entry names, the entry count and the declared sizes of a
 * file it has not trusted yet. jszip uses the same central directory to find the entries.
 */
import { PackageFileError } from './errors';

export interface RawZipEntry {
  /** The stored name, decoded (UTF-8 when the entry says so, otherwise ASCII only). */
  name: string;
  compressedSize: number;
  /** As declared by the central directory; the reader also counts what really inflates. */
  uncompressedSize: number;
  /** CRC-32 of the uncompressed content, as declared. */
  crc32: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const EOCD_SIZE = 22;
const CENTRAL_HEADER_SIZE = 46;
const MAX_COMMENT = 0xffff;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - EOCD_SIZE;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) {
      const commentLength = view.getUint16(at + 20, true);
      if (at + EOCD_SIZE + commentLength <= view.byteLength) return at;
    }
  }
  return -1;
}

function decodeName(bytes: Uint8Array, utf8Flag: boolean, index: number): string {
  if (utf8Flag) {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new PackageFileError(`entries[${index}]`, `entry ${index + 1}'s name is marked UTF-8 but is not valid UTF-8`);
    }
  }
  if (bytes.some((byte) => byte > 0x7e)) {
    throw new PackageFileError(
      `entries[${index}]`,
      `entry ${index + 1}'s name has non-ASCII characters but is not marked UTF-8`,
    );
  }
  return utf8.decode(bytes);
}

/**
 * The entries of a zip, in central-directory order. Refuses what is not a zip, a multi-disk or
 * zip64 archive, an encrypted entry, and more than `maxEntries` entries (checked from the
 * end record, before the directory is walked).
 */
export function readZipDirectory(bytes: Uint8Array, maxEntries: number): RawZipEntry[] {
  const notZip = (why: string) => new PackageFileError('file', `This is not a package file: ${why}.`);
  if (bytes.byteLength < EOCD_SIZE) throw notZip('it is too short to be a zip file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) throw notZip('it is not a zip file (no end-of-central-directory record)');

  const diskNumber = view.getUint16(eocd + 4, true);
  const centralDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const totalEntries = view.getUint16(eocd + 10, true);
  const centralSize = view.getUint32(eocd + 12, true);
  const centralOffset = view.getUint32(eocd + 16, true);
  if (totalEntries === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) {
    throw notZip('it is a zip64 archive, which package files never are');
  }
  if (diskNumber !== 0 || centralDisk !== 0 || entriesOnDisk !== totalEntries) {
    throw notZip('it is a multi-part zip archive');
  }
  if (totalEntries > maxEntries) {
    throw new PackageFileError(
      'file',
      `The package file has ${totalEntries} entries; at most ${maxEntries} are accepted.`,
    );
  }
  if (centralOffset + centralSize > eocd) throw notZip('its central directory lies outside the file');

  const entries: RawZipEntry[] = [];
  let at = centralOffset;
  for (let index = 0; index < totalEntries; index++) {
    if (at + CENTRAL_HEADER_SIZE > centralOffset + centralSize || view.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) {
      throw notZip(`its central directory is damaged at entry ${index + 1}`);
    }
    const flags = view.getUint16(at + 8, true);
    const crc32 = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const nameStart = at + CENTRAL_HEADER_SIZE;
    if (nameStart + nameLength > centralOffset + centralSize) {
      throw notZip(`its central directory is damaged at entry ${index + 1}`);
    }
    const name = decodeName(bytes.subarray(nameStart, nameStart + nameLength), (flags & FLAG_UTF8) !== 0, index);
    if (flags & FLAG_ENCRYPTED) {
      throw new PackageFileError(`entries[${JSON.stringify(name)}]`, `Entry "${name}" is encrypted; package files are never encrypted.`);
    }
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff) {
      throw notZip('it is a zip64 archive, which package files never are');
    }
    entries.push({ name, compressedSize, uncompressedSize, crc32 });
    at = nameStart + nameLength + extraLength + commentLength;
  }
  return entries;
}
