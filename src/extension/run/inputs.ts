import * as vscode from 'vscode';
import type { FlowSignature } from '../../core/api/types';
import { inputValueFromText } from '../../core/model/inputText';
import { splitId } from '../../core/workspace/layout';
import { Cancelled } from '../shared/errors';

type InputDecl = FlowSignature['inputs'][string];

/** Validation message for the input box (undefined: acceptable, including empty when optional); core's rule. */
export function checkInput(decl: InputDecl, text: string): string | undefined {
  const r = inputValueFromText(text, decl);
  return r.kind === 'error' ? capitalize(r.message) : undefined;
}

function capitalize(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export function describeDefault(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A remembered value as the input box shows it (strings as they are, anything else as JSON). */
export function inputText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Asks for each declared input: booleans as a true/false quick pick, anything else in an input box
 * validated with core's rule. The last inputs of the flow (`last`) are offered first: prefilled in
 * the box, first in the pick. Empty (or "use the default") leaves the input out, so the gateway
 * applies the default.
 */
export async function askInputs(flow: FlowSignature, last: Record<string, unknown> | undefined): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  const entries = Object.entries(flow.inputs ?? {});
  for (const [i, [name, decl]] of entries.entries()) {
    const hasDefault = decl.default !== undefined;
    const title = `Run ${splitId(flow.id).name} — input ${i + 1} of ${entries.length}`;
    const about = `${name} (${decl.type}${decl.required && !hasDefault ? ', required' : ''})${decl.description ? ` — ${decl.description}` : ''}`;
    const previous = last && Object.prototype.hasOwnProperty.call(last, name) ? last[name] : undefined;
    if (decl.type === 'boolean') {
      type Item = vscode.QuickPickItem & { value?: boolean };
      const items: Item[] = [
        { label: 'true', value: true },
        { label: 'false', value: false },
      ];
      if (!decl.required || hasDefault) items.push({ label: hasDefault ? `default (${describeDefault(decl.default)})` : 'leave out', description: 'the gateway applies it' });
      if (typeof previous === 'boolean') {
        const at = items.findIndex((it) => it.value === previous);
        const [prev] = items.splice(at, 1);
        items.unshift({ ...prev, description: 'last used' });
      }
      const picked = await vscode.window.showQuickPick(items, { title, placeHolder: about, ignoreFocusOut: true });
      if (!picked) throw new Cancelled();
      if (picked.value !== undefined) values[name] = picked.value;
      continue;
    }
    const text = await vscode.window.showInputBox({
      title,
      prompt: about,
      ...(previous !== undefined ? { value: inputText(previous) } : {}),
      placeHolder: hasDefault ? `default: ${describeDefault(decl.default)} (leave empty to use it)` : decl.required ? '' : 'optional: leave empty to omit',
      ignoreFocusOut: true,
      validateInput: (value) => checkInput(decl, value),
    });
    if (text === undefined) throw new Cancelled();
    if (text.trim() === '') continue; // default or optional: the gateway applies it
    const parsed = inputValueFromText(text, decl);
    if (parsed.kind === 'error') throw new Error(`input '${name}': ${parsed.message}`);
    if (parsed.kind === 'value') values[name] = parsed.value;
  }
  return values;
}
