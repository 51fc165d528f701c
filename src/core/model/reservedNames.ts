/**
 * Names that would reach an object's prototype if code ever used them as a key with assignment
 * (`o[name] = …`): refused as package names, SNMPv3 user names and JSON keys of request bodies.
 * One set for all of them.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `name` is one of RESERVED_NAMES. */
export const isReservedName = (name: string): boolean => RESERVED_NAMES.has(name);
