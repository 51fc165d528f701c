/**
 * What `flowgate promote` and `flowgate imports` share: `--replace kind:from=to` parsing, and how an
 * import, its validation and its apply preview are printed.
 */
import type { ImportDetail, ImportSummary, PreviewResponse, Replacement, ValidationProblem, ValidationResult } from '../core/api/types';
import { LIMITS } from '../core/limits';
import { hasControlChars } from '../core/model/controlChars';
import { UsageError } from './errors';
import type { Output } from './output';

/**
 * Text from a gateway or a package (instructions, definition texts and diffs, descriptions,
 * messages) as it may be printed on a terminal: control characters (but tab and newline), C1
 * controls and bidirectional overrides are shown as `\u{…}`, so a package cannot move the cursor,
 * retitle the window or make a diff read other than it is.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

export const REPLACE_FORM = 'kind:from=to (kind flow or connection), e.g. connection:local-gateway=inventory-prod';

/** `connection:local-gateway=inventory-prod` → a replacement; a usage error naming the form otherwise. */
export function parseReplacement(text: string, command: string): Replacement {
  const colon = text.indexOf(':');
  const eq = text.indexOf('=', colon + 1);
  const kind = colon > 0 ? text.slice(0, colon) : '';
  const from = colon > 0 && eq > colon ? text.slice(colon + 1, eq) : '';
  const to = eq > 0 ? text.slice(eq + 1) : '';
  const shown = text.slice(0, 200);
  if ((kind !== 'flow' && kind !== 'connection') || !from || !to) throw new UsageError(`replacement '${shown}' is not of the form ${REPLACE_FORM}`, command);
  for (const [what, id] of [['from', from], ['to', to]] as const) {
    if (id.length > LIMITS.definitionIdLength || hasControlChars(id)) {
      throw new UsageError(`replacement '${shown}': ${what} must be a definition id of at most ${LIMITS.definitionIdLength} characters without control characters`, command);
    }
  }
  return { kind, from, to };
}

export function parseReplacements(texts: string[], command: string): Replacement[] {
  if (texts.length > LIMITS.replacementsPerImport) throw new UsageError(`at most ${LIMITS.replacementsPerImport} replacements`, command);
  const out = texts.map((t) => parseReplacement(t, command));
  const seen = new Set<string>();
  for (const r of out) {
    const key = `${r.kind}:${r.from}`;
    if (seen.has(key)) throw new UsageError(`${r.kind} '${r.from}' is replaced twice`, command);
    seen.add(key);
  }
  return out;
}

export const replacementText = (r: Replacement) => `${r.kind} ${r.from} → ${r.to}`;

export function problemText(out: Output, p: ValidationProblem): string {
  const sev = p.severity === 'error' ? out.style('red', 'error') : out.style('yellow', 'warning');
  const where = p.definition ? `${p.definition.kind} ${p.definition.id}: ` : '';
  return `${where}${sev} ${out.style('dim', p.code)}: ${printable(p.message)}`;
}

/** The validation block: a ✓ line, or ✗ with each problem indented. */
export function printValidation(out: Output, v: ValidationResult, indent = '  '): void {
  const errors = v.problems.filter((p) => p.severity === 'error').length;
  const warnings = v.problems.length - errors;
  const count = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (v.ok) out.line(`${indent}validation: ${out.style('green', '✓')} ${warnings ? `no errors, ${count(warnings, 'warning')}` : 'no problems'}`);
  else out.line(`${indent}validation: ${out.style('red', '✗')} ${count(errors, 'error')}, ${count(warnings, 'warning')}`);
  for (const p of v.problems) out.line(`${indent}  ${problemText(out, p)}`);
}

export function summaryLine(out: Output, i: ImportSummary): string {
  const status = i.status === 'APPLIED' ? out.style('green', i.status) : i.status === 'REJECTED' ? out.style('red', i.status) : out.style('cyan', i.status);
  return `${i.id}  ${status.padEnd(out.color ? 17 : 8)}  ${i.name} v${i.version}  from ${i.source}  pulled ${i.pulledAt} by ${printable(i.pulledBy)}${i.sourceNotified ? '' : '  (source not told yet)'}`;
}

/** Everything of an import a reviewer reads: status, signer, instructions, definitions, replacements, validation. */
export function printImport(out: Output, d: ImportDetail): void {
  out.line(`${out.style('bold', `${d.name} v${d.version}`)}  import ${d.id}  ${d.status}`);
  out.line(`  source:       ${d.source} (digest ${d.contentDigest})`);
  out.line(`  signed by:    ${d.signer}`);
  out.line(`  pulled:       ${d.pulledAt} by ${printable(d.pulledBy)}`);
  if (d.appliedAt) out.line(`  applied:      ${d.appliedAt}${d.appliedBy ? ` by ${d.appliedBy}` : ''}`);
  if (d.rejectedAt) out.line(`  rejected:     ${d.rejectedAt}${d.rejectedBy ? ` by ${printable(d.rejectedBy)}` : ''}${d.reason ? `: ${printable(d.reason)}` : ''}`);
  out.line(`  source told:  ${d.sourceNotified ? 'yes' : `not yet (kept in the outbox${d.notifyError ? `: ${printable(d.notifyError)}` : ''})`}`);
  if (d.description) out.line(`  description:  ${printable(d.description)}`);
  out.line(`  carries:      ${d.definitions.length} definition${d.definitions.length === 1 ? '' : 's'}, ${d.schedules} schedule${d.schedules === 1 ? '' : 's'}, ${d.triggers} trigger${d.triggers === 1 ? '' : 's'}; groups: ${d.authorisation.groups.length ? printable(d.authorisation.groups.join(', ')) : '(anyone)'}`);
  for (const def of d.definitions) out.line(`    ${def.kind} ${printable(def.id)}`);
  out.line(`  replacements: ${d.replacements.length ? '' : 'none'}`);
  for (const r of d.replacements) out.line(`    ${replacementText(r)}`);
  printValidation(out, d.validation);
  if (d.instructions.trim()) {
    out.line('  instructions:');
    for (const l of printable(d.instructions.replace(/\s+$/, '')).split('\n')) out.line(l.trim() ? `    ${l}` : '');
  }
}

/** The apply preview: per definition new / changed / unchanged, then the unified diff of each changed one. */
export function printPreview(out: Output, p: PreviewResponse): void {
  const counts = { new: 0, changed: 0, unchanged: 0 };
  for (const d of p.definitions) counts[d.change]++;
  out.line(`import ${p.id}: ${counts.new} new, ${counts.changed} changed, ${counts.unchanged} unchanged`);
  for (const d of p.definitions) {
    const tag = d.change === 'new' ? out.style('green', 'new      ') : d.change === 'changed' ? out.style('yellow', 'changed  ') : out.style('dim', 'unchanged');
    out.line(`  ${tag}  ${d.kind} ${printable(d.id)}${d.fromRepository ? '  (from this gateway\'s repository)' : ''}`);
  }
  for (const d of p.definitions) {
    if (d.change !== 'changed' || !d.diff) continue;
    out.line();
    for (const l of printable(d.diff.replace(/\n$/, '')).split('\n')) {
      out.line(l.startsWith('+') && !l.startsWith('+++') ? out.style('green', l) : l.startsWith('-') && !l.startsWith('---') ? out.style('red', l) : l.startsWith('@@') ? out.style('cyan', l) : l);
    }
  }
}
