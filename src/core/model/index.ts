export * from './flow';
export * from './connection';
export * from './packageDraft';
export * from './definition';
export * from './manifest';
export * from './diagnostic';
export * from './schedule';
export * from './trigger';
