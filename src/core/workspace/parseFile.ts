/**
 * One workspace file → its parsed form, with YAML syntax and schema diagnostics placed in the
 * text. Cheap enough to run on every keystroke: it parses only the file it is given.
 */
import type { ConnectionDefinition, ConnectionDocument } from '../model/connection';
import type { Diagnostic } from '../model/diagnostic';
import type { FlowDefinition, FlowDocument } from '../model/flow';
import type { PackageDraftDocument } from '../model/packageDraft';
import { checkSchema } from '../schema/checkSchema';
import { firstLineOf, parseYaml } from '../yaml/parseYaml';
import type { ParsedYaml } from '../yaml/parseYaml';
import { classifyPath, ID_SEGMENT_PATTERN, normalizeRelPath, splitId } from './layout';
import type { FileKind } from './layout';

export interface ParsedFile {
  relPath: string;
  kind: FileKind;
  /** Flow id, connection name or package name. */
  id: string;
  text: string;
  yaml: ParsedYaml;
  /** Set only when the file is a schema-valid flow or connection. */
  definition?: FlowDefinition | ConnectionDefinition;
  /** Set only when the file is a schema-valid package draft. */
  draft?: PackageDraftDocument;
  /** YAML syntax, schema and naming problems, each with `file` = relPath and a range. */
  diagnostics: Diagnostic[];
}

/**
 * Parses a workspace file. Throws when `relPath` is not a flow, connection or package draft
 * path (check with `classifyPath` first).
 */
export function parseWorkspaceFile(relPath: string, text: string): ParsedFile {
  const rel = normalizeRelPath(relPath);
  const where = classifyPath(rel);
  if (!where) throw new Error(`'${relPath}' is not a Flowgate flow, connection or package file`);
  const kind = where.kind;
  const id = where.kind === 'package' ? where.name : where.id;
  const yaml = parseYaml(text);
  const diagnostics: Diagnostic[] = yaml.errors.map((d) => ({ ...d, file: rel }));
  const hasSyntaxErrors = yaml.errors.some((d) => d.severity === 'error');

  const file: ParsedFile = { relPath: rel, kind, id, text, yaml, diagnostics };

  const headRange = yaml.nearestRangeOf([], 'key');
  if (kind === 'flow' || kind === 'connection') {
    const bad = id.split('/').filter((s) => !ID_SEGMENT_PATTERN.test(s));
    if (bad.length) {
      diagnostics.push({
        severity: 'error',
        code: 'invalid-name',
        message: `${kind} '${id}': ${bad.map((s) => `'${s}'`).join(', ')} may only contain letters, digits, '.', '-' and '_'; rename the file or folder`,
        file: rel,
        range: headRange,
      });
    }
  }

  if (hasSyntaxErrors) return file;

  const problems = checkSchema(kind, yaml.value);
  for (const p of problems) {
    const part = p.part ?? 'value';
    let range = yaml.rangeOf(p.path, part) ?? yaml.nearestRangeOf(p.path, part);
    if (range.end.line !== range.start.line) range = firstLineOf(range, text);
    diagnostics.push({ severity: 'error', code: 'schema', message: p.message, file: rel, range, data: { path: p.path, part } });
  }
  if (problems.length) return file;

  if (kind === 'package') {
    const draft = yaml.value as PackageDraftDocument;
    if (draft.name !== id) {
      diagnostics.push({
        severity: 'error',
        code: 'name-mismatch',
        message: `package name '${draft.name}' differs from its file name '${id}${'.package.yaml'}'; they must be the same`,
        file: rel,
        range: yaml.rangeOf(['name']) ?? headRange,
        data: { path: ['name'], part: 'value' },
      });
    }
    file.draft = draft;
  } else if (kind === 'flow') {
    const { folder, name } = splitId(id);
    file.definition = { kind: 'flow', id, name, folder, flow: yaml.value as FlowDocument };
  } else {
    file.definition = { kind: 'connection', id, name: id, folder: '', connection: yaml.value as ConnectionDocument };
  }
  return file;
}
