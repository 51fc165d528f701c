import * as vscode from 'vscode';
import type { Diagnostic, Range } from '../../core/model/diagnostic';

export function toRange(range: Range | undefined): vscode.Range {
  if (!range) return new vscode.Range(0, 0, 0, 0);
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export function toSeverity(severity: Diagnostic['severity']): vscode.DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    default:
      return vscode.DiagnosticSeverity.Information;
  }
}

export function toDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(d.range), d.message, toSeverity(d.severity));
  diagnostic.source = 'flowgate';
  diagnostic.code = d.code;
  return diagnostic;
}

/** "2 errors, 1 warning" (empty string when there is nothing). */
export function countText(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const parts: string[] = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}
