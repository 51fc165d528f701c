/** Route paths of the gateway API, shared by the emulator's router and the client. */
const enc = encodeURIComponent;

export const routes = {
  health: () => '/healthz',
  openapi: () => '/api/openapi.json',
  packages: () => '/api/v1/packages',
  package: (name: string) => `/api/v1/packages/${enc(name)}`,
  packageDefault: (name: string) => `/api/v1/packages/${enc(name)}/default`,
  version: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}`,
  versionFile: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/file`,
  versionPublish: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/publish`,
  versionUnpublish: (name: string, version: number) =>
    `/api/v1/packages/${enc(name)}/versions/${version}/unpublish`,
  versionDefault: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/default`,
  startExecution: (flow: string, tenant = 'default', system = 'default') =>
    `/api/${enc(tenant)}/${enc(system)}/flows/${enc(flow)}/executions`,
  executions: () => '/api/v1/executions',
  execution: (id: string) => `/api/v1/executions/${enc(id)}`,
  executionStop: (id: string) => `/api/v1/executions/${enc(id)}/stop`,
  executionEvents: () => '/api/v1/executions/events',
  definitions: () => '/api/v1/definitions',
} as const;

/** Content type of a package file upload and download. */
export const PACKAGE_CONTENT_TYPE = 'application/zip';
