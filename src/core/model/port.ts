/**
 * TCP/UDP ports: the one rule for trigger conditions, test traps, `flowgate trap send`, the trap
 * evaluation route and the emulator's allow-lists. A port is a whole number from 1 to 65535; as
 * text, 1 to 5 digits (no sign, no spaces, no exponent). Port 0 ("any free port") is a listening
 * choice only: `parsePortText(text, { allowZero: true })` for the emulator's own `--port` flags.
 */
export const PORT_MAX = 65535;
/** For messages: `a port from 1 to 65535`. */
export const PORT_RULE = `a port from 1 to ${PORT_MAX}`;

/** Whether `n` is a port (1 to 65535). */
export function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= PORT_MAX;
}

/** The port `text` writes (1 to 5 digits, 1 to 65535; 0 too with `allowZero`), else undefined. */
export function parsePortText(text: string, opts: { allowZero?: boolean } = {}): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return isPort(n) || (opts.allowZero === true && n === 0) ? n : undefined;
}
