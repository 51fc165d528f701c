import pkg from '../../package.json';

/** The CLI's version: the package version, bundled at build time. */
export const CLI_VERSION: string = (pkg as { version: string }).version;

/** `createdBy` of package files the CLI builds. */
export const CREATED_BY = `flowgate-cli/${CLI_VERSION}`;
