import type { FlowSignature } from '../../core/api/types';
import { inputValueFromText } from '../../core/model/inputText';

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
