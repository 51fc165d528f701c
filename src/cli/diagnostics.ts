/** Printing validation diagnostics as `file:line:col: severity code: message` (1-based). */
import type { Diagnostic } from '../core/model/diagnostic';
import type { Output } from './output';
import { displayPath } from './workspace';

export interface DiagnosticJson {
  file: string | null;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  severity: Diagnostic['severity'];
  code: string;
  message: string;
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  return {
    file: d.file ?? null,
    line: d.range ? d.range.start.line + 1 : null,
    column: d.range ? d.range.start.character + 1 : null,
    endLine: d.range ? d.range.end.line + 1 : null,
    endColumn: d.range ? d.range.end.character + 1 : null,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}

export function formatDiagnostic(out: Output, root: string, d: Diagnostic): string {
  let where = '';
  if (d.file) {
    where = displayPath(root, d.file);
    where += d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : ':1:1';
    where += ': ';
  }
  const sev =
    d.severity === 'error'
      ? out.style('red', 'error')
      : d.severity === 'warning'
        ? out.style('yellow', 'warning')
        : out.style('cyan', d.severity);
  return `${where}${sev} ${out.style('dim', d.code)}: ${d.message}`;
}

/** Removes exact duplicates (the same problem reported by file and by package validation). */
export function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const result: Diagnostic[] = [];
  for (const d of diagnostics) {
    const r = d.range;
    const key = [d.file ?? '', r?.start.line, r?.start.character, d.severity, d.code, d.message].join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(d);
  }
  return result;
}

/** Sorted by file, then position, for stable output. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.file ?? '';
    const fb = b.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.range?.start.line ?? -1;
    const lb = b.range?.start.line ?? -1;
    if (la !== lb) return la - lb;
    return (a.range?.start.character ?? -1) - (b.range?.start.character ?? -1);
  });
}

export function countBySeverity(diagnostics: Diagnostic[]) {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
