/**
 * Document symbols (the outline): a flow's steps as a tree — if/else, for-each, try/catch
 * children nested under their step — with the flow's inputs and outputs; a package draft's
 * definitions, schedules and triggers. Read from the YAML nodes directly (one walk, bounded by
 * LIMITS.languageSymbols), so a file with schema problems still has an outline.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { LIMITS } from '../limits';
import type { Range } from '../model/diagnostic';
import { parseWorkspaceFile, type ParsedFile } from '../workspace/parseFile';
import { classifyPath } from '../workspace/layout';
import { LineIndex } from './locate';
import type { LanguageDocument } from './context';

export type SymbolKind = 'step' | 'group' | 'input' | 'output' | 'flow' | 'connection' | 'schedule' | 'trigger' | 'field';

export interface DocumentSymbol {
  name: string;
  /** A step's kind and what it refers to, a variable's type. */
  detail: string;
  kind: SymbolKind;
  /** A step: its kind (for the icon). */
  stepKind?: string;
  range: Range;
  selectionRange: Range;
  children: DocumentSymbol[];
}

const NESTED = ['then', 'else', 'steps', 'catch'] as const;

/** The outline of `doc`. Never throws; [] for a file that is not a Flowgate file or does not parse. */
export function documentSymbols(doc: LanguageDocument, parsed?: ParsedFile): DocumentSymbol[] {
  try {
    if (!parsed && !classifyPath(doc.relPath)) return [];
    const file = parsed ?? parseWorkspaceFile(doc.relPath, doc.text);
    const root = file.yaml.document.contents;
    // A file refused by the parser's bounds (too large, too deep) has no outline, as it has no value.
    if (!isMap(root) || file.yaml.errors.some((e) => e.code === 'yaml-limit')) return [];
    const lines = new LineIndex(file.text);
    const budget = { left: LIMITS.languageSymbols };
    const range = (n: Node | null | undefined): Range | undefined => (n?.range ? lines.range(n.range[0], n.range[1]) : undefined);
    const out: DocumentSymbol[] = [];
    const entry = (map: YAMLMap, key: string) => map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    const scalarText = (n: unknown): string | undefined => (isScalar(n) && n.value !== null && n.value !== undefined ? String(n.value) : undefined);

    const variables = (key: 'inputs' | 'outputs') => {
      const pair = entry(root, key);
      if (!pair || !isMap(pair.value)) return;
      const children: DocumentSymbol[] = [];
      for (const p of pair.value.items) {
        if (budget.left-- <= 0) break;
        const name = scalarText(p.key);
        const r = range(p.key as Node);
        if (!name || !r) continue;
        const type = isMap(p.value) ? scalarText(p.value.get('type', true)) : undefined;
        const full = p.value && (p.value as Node).range ? lines.range((p.key as Node).range![0], (p.value as Node).range![1]) : r;
        children.push({ name, detail: type ?? '', kind: key === 'inputs' ? 'input' : 'output', range: full, selectionRange: r, children: [] });
      }
      const r = range(pair.key as Node)!;
      out.push({ name: key, detail: `${children.length}`, kind: 'group', range: lines.range((pair.key as Node).range![0], (pair.value as Node).range![1]), selectionRange: r, children });
    };

    if (file.kind === 'flow') {
      variables('inputs');
      variables('outputs');
      const stepsPair = entry(root, 'steps');
      if (stepsPair && isSeq(stepsPair.value)) {
        const top: DocumentSymbol[] = [];
        // Iterative: a work list of (sequence of steps, where its symbols go).
        const work: { seq: Node; into: DocumentSymbol[] }[] = [{ seq: stepsPair.value as Node, into: top }];
        // then/else/catch groups go after a step's body, which the work list fills later.
        const groupsAfterBody: { sym: DocumentSymbol; groups: DocumentSymbol[] }[] = [];
        while (work.length) {
          const { seq, into } = work.pop()!;
          if (!isSeq(seq)) continue;
          seq.items.forEach((item, i) => {
            if (budget.left <= 0) return;
            budget.left--;
            const r = range(item as Node);
            if (!r) return;
            if (!isMap(item)) {
              into.push({ name: `step ${i + 1}`, detail: '', kind: 'step', range: r, selectionRange: r, children: [] });
              return;
            }
            const kind = scalarText(item.get('kind', true)) ?? '?';
            const label = scalarText(item.get('name', true));
            const flow = scalarText(item.get('flow', true));
            const connection = scalarText(item.get('connection', true));
            const kindPair = entry(item, 'kind');
            const sel = (kindPair && range(kindPair.value as Node)) ?? (kindPair && range(kindPair.key as Node)) ?? r;
            const detail = [label ? kind : '', kind === 'run-flow' && flow ? flow : '', kind === 'http' && connection ? connection : ''].filter(Boolean).join(' ');
            const sym: DocumentSymbol = { name: label ?? kind, detail, kind: 'step', stepKind: kind, range: r, selectionRange: sel, children: [] };
            into.push(sym);
            const groups: DocumentSymbol[] = [];
            groupsAfterBody.push({ sym, groups });
            for (const list of NESTED) {
              const pair = entry(item, list);
              if (!pair || !isSeq(pair.value)) continue;
              // for-each and try bodies sit directly under their step; then/else/catch get a group.
              if ((kind === 'for-each' || kind === 'try') && list === 'steps') {
                work.push({ seq: pair.value as Node, into: sym.children });
              } else {
                const group: DocumentSymbol = {
                  name: list,
                  detail: '',
                  kind: 'group',
                  range: lines.range((pair.key as Node).range![0], (pair.value as Node).range![1]),
                  selectionRange: range(pair.key as Node)!,
                  children: [],
                };
                groups.push(group);
                work.push({ seq: pair.value as Node, into: group.children });
              }
            }
          });
        }
        for (const { sym, groups } of groupsAfterBody) sym.children.push(...groups);
        out.push(...top);
      }
      return out;
    }

    if (file.kind === 'package') {
      const defs = entry(root, 'definitions');
      if (defs && isMap(defs.value)) {
        for (const [list, kind] of [['flows', 'flow'], ['connections', 'connection']] as const) {
          const pair = entry(defs.value, list);
          if (!pair || !isSeq(pair.value)) continue;
          for (const item of pair.value.items) {
            if (budget.left-- <= 0) break;
            const name = scalarText(item);
            const r = range(item as Node);
            if (name && r) out.push({ name, detail: kind, kind, range: r, selectionRange: r, children: [] });
          }
        }
      }
      for (const [list, kind] of [['schedules', 'schedule'], ['triggers', 'trigger']] as const) {
        const pair = entry(root, list);
        if (!pair || !isSeq(pair.value)) continue;
        pair.value.items.forEach((item, i) => {
          if (budget.left-- <= 0) return;
          const r = range(item as Node);
          if (!r || !isMap(item)) return;
          const name = scalarText(item.get('name', true)) ?? `${kind} ${i + 1}`;
          const flow = scalarText(item.get('flow', true)) ?? '';
          out.push({ name, detail: `${kind} → ${flow}`, kind, range: r, selectionRange: range(item.get('name', true) as Node) ?? r, children: [] });
        });
      }
      return out;
    }

    // Connections: their top-level keys.
    for (const p of root.items) {
      if (budget.left-- <= 0) break;
      const name = scalarText(p.key);
      const r = range(p.key as Node);
      if (name && r) out.push({ name, detail: scalarText(p.value) ?? '', kind: 'field', range: p.value && (p.value as Node).range ? lines.range((p.key as Node).range![0], (p.value as Node).range![1]) : r, selectionRange: r, children: [] });
    }
    return out;
  } catch {
    return [];
  }
}
