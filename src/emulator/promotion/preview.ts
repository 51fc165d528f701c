/**
 * The apply preview: per definition the plan (plan.ts) will write, `new`, `changed` (with the
 * repository's current text and a unified diff from jsdiff) or `unchanged`. Bounded: each diff in
 * time (LIMITS.previewDiffMs), all of them together (LIMITS.previewDiffTotalMs), the answer's current
 * texts and diffs in size (LIMITS.previewAnswerChars); the event loop gets a turn every 50 definitions.
 */
import { createTwoFilesPatch } from 'diff';
import type { PreviewEntry } from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import { sha256Hex } from '../../core/package/sha256';
import type { PackageStore } from '../store/packageStore';
import type { ImportPlan } from './plan';

export async function previewEntries(plan: ImportPlan, store: PackageStore): Promise<PreviewEntry[]> {
  const definitions: PreviewEntry[] = [];
  const deadline = Date.now() + LIMITS.previewDiffTotalMs;
  let n = 0;
  let chars = 0;
  for (const d of plan.definitions) {
    if (++n % 50 === 0) await new Promise((r) => setImmediate(r));
    const current = await store.repositoryText(d.kind, d.id);
    const sha256 = sha256Hex(d.text);
    const change = !current ? 'new' : current.sha256 === sha256 ? 'unchanged' : 'changed';
    const room = chars + (current?.text.length ?? 0) <= LIMITS.previewAnswerChars;
    const diff = change !== 'changed' ? undefined : room ? boundedDiff(d.kind, d.id, current!.text, d.text, deadline) : `(no diff: the preview's answer is at its size bound; compare with GET /api/v1/definitions)\n`;
    chars += (room ? (current?.text.length ?? 0) : 0) + (diff?.length ?? 0);
    definitions.push({
      kind: d.kind,
      id: d.id,
      change,
      ...(current ? { currentSha256: current.sha256, ...(room ? { currentText: current.text } : {}) } : {}),
      sha256,
      text: d.text,
      ...(diff !== undefined ? { diff } : {}),
      ...(d.fromRepository ? { fromRepository: true } : {}),
    });
  }
  return definitions;
}

/** A unified diff, current → new, within the preview's time bounds (else a line saying so). */
function boundedDiff(kind: string, id: string, before: string, after: string, deadline: number): string {
  const left = deadline - Date.now();
  const patch = left > 0 ? createTwoFilesPatch(`a/${kind}/${id}`, `b/${kind}/${id}`, before, after, undefined, undefined, { context: 3, timeout: Math.min(LIMITS.previewDiffMs, left) }) : undefined;
  return patch ?? `(no diff: the texts of ${kind} ${id} differ too much to compare within the preview's time bound; compare currentText and text)\n`;
}

