/**
 * Zip entry names are checked exactly as they are stored, before anything is extracted: a name
 * that could land outside the package folder ("zip slip") or that means different things on
 * different systems is refused, never "cleaned up".
 */

/** Why `name` is not a safe entry name, or undefined when it is. Directory entries end in `/`. */
export function unsafeEntryNameReason(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > 1024) return 'the name is longer than 1024 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the name contains control characters';
  if (name.includes('\\')) return 'the name contains a backslash';
  if (name.startsWith('/')) return 'the name is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'the name starts with a drive letter';
  if (name.includes(':')) return 'the name contains a colon';
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  for (const segment of segments) {
    if (segment === '..') return "the name has a '..' segment and would escape the package folder";
    if (segment === '.') return "the name has a '.' segment";
    if (segment === '') return 'the name has an empty segment (//)';
  }
  return undefined;
}

export function isDirectoryEntryName(name: string): boolean {
  return name.endsWith('/');
}
