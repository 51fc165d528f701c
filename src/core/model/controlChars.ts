/** Names, ids, expressions and zones hold no control characters (NUL, newlines, escapes). */
export const NO_CONTROL_CHARS = '^[^\\u0000-\\u001f\\u007f]*$';
const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;
/** The rule of NO_CONTROL_CHARS for validators that check values by hand (package-file schedules and triggers). */
export const hasControlChars = (s: string): boolean => CONTROL_CHAR.test(s);
