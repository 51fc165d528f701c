/**
 * What the Review Import panel computes from the gateway's answers, without `vscode` (so
 * test/hostile/reviewPage.test.ts runs it in Node): the preview as the page gets it (no texts), the
 * lines a diff adds and removes, and the pickers' choices — references read from the package's
 * texts with core's bounded YAML parser (the texts are hostile until applied), every list bounded
 * by LIMITS.reviewPickerChoices.
 */
import type { ImportDetail, PreviewResponse } from '../../core/api/types';
import { referencesOf } from '../../core/graph/references';
import { LIMITS } from '../../core/limits';
import type { Definition } from '../../core/model/definition';
import { parseYaml } from '../../core/yaml/parseYaml';
import type { DefinitionRef, PreviewCounts, PreviewItem, ReplacementCandidates } from '../../../webview/protocol/review';

/** The preview as the page gets it: per definition without texts, lines added/removed, counts. */
export function previewSummary(preview: PreviewResponse): { items: PreviewItem[]; counts: PreviewCounts } {
  const counts: PreviewCounts = { new: 0, changed: 0, unchanged: 0 };
  const items = preview.definitions.map((e): PreviewItem => {
    counts[e.change]++;
    const item: PreviewItem = { kind: e.kind, id: e.id, change: e.change, ...(e.fromRepository ? { fromRepository: true } : {}) };
    if (e.change === 'changed' && e.diff) Object.assign(item, diffLineCounts(e.diff));
    return item;
  });
  const order = { changed: 0, new: 1, unchanged: 2 } as const;
  items.sort((a, b) => order[a.change] - order[b.change] || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  return { items, counts };
}

/** Lines added and removed by a unified diff (its `---`/`+++` headers not counted). */
export function diffLineCounts(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}

/** The flows and connections a flow's text references (core's bounded parse; nothing when it does not parse). */
export function referencesIn(id: string, text: string): DefinitionRef[] {
  const value = parseYaml(text).value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const slash = id.lastIndexOf('/');
  const def = { kind: 'flow', id, name: id.slice(slash + 1), folder: slash < 0 ? '' : id.slice(0, slash), flow: value } as unknown as Definition;
  return referencesOf(def).map((r) => r.to);
}

/**
 * What the pickers offer: the references the package's definitions make (those the validation
 * says the target lacks first, then those already replaced, then the rest read from the
 * preview's texts), the target's definitions and the package's — each list at most
 * LIMITS.reviewPickerChoices long.
 */
export function replacementCandidates(
  detail: Pick<ImportDetail, 'validation' | 'replacements' | 'definitions'> | undefined,
  preview: Pick<PreviewResponse, 'definitions'> | undefined,
  target: DefinitionRef[] | undefined,
): ReplacementCandidates {
  const max = LIMITS.reviewPickerChoices;
  const seen = new Set<string>();
  const references: DefinitionRef[] = [];
  const add = (r: DefinitionRef) => {
    const key = `${r.kind}:${r.id}`;
    if (seen.has(key) || references.length >= max) return;
    seen.add(key);
    references.push({ kind: r.kind, id: r.id });
  };
  for (const p of detail?.validation.problems ?? []) {
    if (p.reference && p.reference.kind !== 'secret') add({ kind: p.reference.kind, id: p.reference.id });
  }
  for (const r of detail?.replacements ?? []) add({ kind: r.kind, id: r.from });
  for (const e of preview?.definitions ?? []) {
    if (references.length >= max) break;
    if (e.fromRepository || e.kind !== 'flow') continue;
    for (const r of referencesIn(e.id, e.text)) add(r);
  }
  return {
    references,
    target: (target ?? []).slice(0, max),
    package: (detail?.definitions ?? []).slice(0, max).map((d) => ({ kind: d.kind, id: d.id })),
  };
}

/** A gateway URL as the page may see it: without a user or password in it. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return '(not a URL)';
  }
}
