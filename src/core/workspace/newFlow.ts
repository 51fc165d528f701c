/**
 * A new flow file (VS Code's New Flow): the rule for the folder and name a user types — the same
 * rule a flow file's path is checked with when the workspace is read (parseFile.ts `invalid-name`) —
 * and the template it starts from, a flow that validates as it is.
 */
import type { ApiErrorDetail } from '../api/types';
import { LIMITS } from '../limits';
import { isReservedName } from '../model/reservedNames';
import { flowPath, ID_SEGMENT_PATTERN } from './layout';

const SEGMENT_RULE = "letters, digits, '.', '-' and '_'";

/** Problems of a flow's folder (`network/core`, may be empty) and name (`Restart-Service`); [] when fine. */
export function newFlowProblems(folder: string, name: string): ApiErrorDetail[] {
  const problems: ApiErrorDetail[] = [];
  const n = name.trim();
  if (!n) problems.push({ field: 'name', message: 'is required' });
  else if (n.length > LIMITS.nameLength) problems.push({ field: 'name', message: `must be at most ${LIMITS.nameLength} characters` });
  else if (!ID_SEGMENT_PATTERN.test(n) || n === '.' || n === '..') problems.push({ field: 'name', message: `may only contain ${SEGMENT_RULE} (got "${n.slice(0, 100)}")` });
  else if (isReservedName(n)) problems.push({ field: 'name', message: `"${n}" is reserved` });
  const f = folder.trim().replace(/^\/+|\/+$/g, '');
  if (f) {
    const segments = f.split('/');
    const bad = segments.filter((s) => !ID_SEGMENT_PATTERN.test(s) || s === '.' || s === '..' || isReservedName(s));
    if (bad.length) problems.push({ field: 'folder', message: `each folder may only contain ${SEGMENT_RULE}: ${bad.map((s) => `"${s.slice(0, 50)}"`).join(', ')}` });
  }
  if (problems.length === 0 && newFlowId(folder, name).length > LIMITS.definitionIdLength) {
    problems.push({ field: 'name', message: `the flow id (folder and name) must be at most ${LIMITS.definitionIdLength} characters` });
  }
  return problems;
}

/** `network/core` + `Check` → `network/core/Check`. */
export function newFlowId(folder: string, name: string): string {
  const f = folder.trim().replace(/^\/+|\/+$/g, '');
  return f ? `${f}/${name.trim()}` : name.trim();
}

/** The workspace-relative path of the new flow. */
export function newFlowPath(folder: string, name: string): string {
  return flowPath(newFlowId(folder, name));
}

/** The template: one input, one output, a log and a set step — valid as written, ready to run. */
export function newFlowText(name: string): string {
  return `description: ${JSON.stringify(`${name.trim()}: describe what this flow does.`)}
inputs:
  who:
    type: string
    default: world
    description: Who to greet.
outputs:
  greeting:
    type: string
steps:
  - kind: log
    message: "= 'Running ${name.trim()} for ' & who"
  - kind: set
    values:
      greeting: "= 'Hello, ' & who & '!'"
`;
}
