/** `executingOn` of executions: `<name>.<host> (<IPv4>)`. */
import os from 'node:os';

export function firstIPv4(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}

export function executingOn(name: string): string {
  return `${name}.${os.hostname()} (${firstIPv4()})`;
}
