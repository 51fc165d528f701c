/** A flow's input variables as an execution starts with them: checked, then defaults applied. */
import type { ApiErrorDetail } from '../../core/api/types';
import type { VariableDeclaration } from '../../core/model/flow';
import { inputProblems } from '../../core/model/inputValues';

export interface InputCheck {
  values: Record<string, unknown>;
  /** One entry per bad input, `field` = `<prefix><name>`. Empty when the inputs are valid. */
  problems: ApiErrorDetail[];
}

/**
 * Missing required, undeclared (extra) and wrongly typed inputs are reported, each once (the
 * rules of core's `inputProblems`); declared inputs that were not given get their default.
 */
export function checkInputs(
  decls: Record<string, VariableDeclaration> | undefined,
  given: Record<string, unknown>,
  prefix = 'inputVariables.',
): InputCheck {
  const declared = decls ?? {};
  const problems = inputProblems(declared, given, { prefix });
  const values: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(declared)) {
    const v = given[name];
    if (v !== undefined && Object.prototype.hasOwnProperty.call(given, name)) values[name] = v;
    else if (d.default !== undefined) values[name] = structuredClone(d.default);
  }
  return { values, problems };
}
