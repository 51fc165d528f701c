/** `--input k=v` and `--inputs-json '{...}'` → the inputVariables of an execution. */
import { jsonOrText } from '../core/model/inputText';
import { UsageError } from './errors';

export function parseInputs(command: string, pairs: string[], json: string | undefined): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new UsageError(`--inputs-json is not valid JSON: ${(e as Error).message}`, command);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError('--inputs-json must be a JSON object, e.g. \'{"device": "10.0.0.1"}\'', command);
    }
    Object.assign(inputs, parsed);
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input '${pair}' is not of the form name=value`, command);
    // No declaration is known here: core's rule for `any` inputs (JSON when it parses, else the text).
    inputs[pair.slice(0, eq)] = jsonOrText(pair.slice(eq + 1));
  }
  return inputs;
}
