/** Route paths of the gateway API, shared by the emulator's router and the client. */
const enc = encodeURIComponent;

export const routes = {
  health: () => '/healthz',
  openapi: () => '/api/openapi.json',
  gatewayKeys: () => '/api/v1/gateway/keys',
  packages: () => '/api/v1/packages',
  package: (name: string) => `/api/v1/packages/${enc(name)}`,
  packageDefault: (name: string) => `/api/v1/packages/${enc(name)}/default`,
  version: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}`,
  versionFile: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/file`,
  versionPublish: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/publish`,
  versionUnpublish: (name: string, version: number) =>
    `/api/v1/packages/${enc(name)}/versions/${version}/unpublish`,
  versionDefault: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/default`,
  /** DELETE: an unpublished version; a package with no published version. */
  deleteVersion: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}`,
  deletePackage: (name: string) => `/api/v1/packages/${enc(name)}`,
  startExecution: (flow: string, tenant = 'default', system = 'default') =>
    `/api/${enc(tenant)}/${enc(system)}/flows/${enc(flow)}/executions`,
  executions: () => '/api/v1/executions',
  execution: (id: string) => `/api/v1/executions/${enc(id)}`,
  executionStop: (id: string) => `/api/v1/executions/${enc(id)}/stop`,
  executionEvents: () => '/api/v1/executions/events',
  definitions: () => '/api/v1/definitions',
  newVersion: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/new-version`,
  stopExecutions: () => '/api/v1/executions/stop',
  schedules: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/schedules`,
  schedule: (name: string, version: number, id: string) =>
    `/api/v1/packages/${enc(name)}/versions/${version}/schedules/${enc(id)}`,
  scheduleRun: (name: string, version: number, id: string) =>
    `/api/v1/packages/${enc(name)}/versions/${version}/schedules/${enc(id)}/run`,
  triggers: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/triggers`,
  trigger: (name: string, version: number, id: string) =>
    `/api/v1/packages/${enc(name)}/versions/${version}/triggers/${enc(id)}`,
  snmpTraps: () => '/api/v1/snmp/traps',
  snmpEvaluate: () => '/api/v1/snmp/evaluate',
  snmpUsers: () => '/api/v1/snmp/users',
  snmpUser: (name: string) => `/api/v1/snmp/users/${enc(name)}`,
  cronPreview: () => '/api/v1/cron/preview',
  secrets: () => '/api/v1/secrets',
  secret: (name: string) => `/api/v1/secrets/${enc(name)}`,
  secretGrants: (name: string) => `/api/v1/secrets/${enc(name)}/grants`,
  /** GET/PUT: the directory groups whose members may execute the version's flows. */
  authorisation: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/authorisation`,
  /** GET: the directory's groups (what an authorisation may name). */
  directoryGroups: () => '/api/v1/directory/groups',
  // Promotion (issue 10)
  versionWithdraw: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/withdraw`,
  versionHistory: (name: string, version: number) => `/api/v1/packages/${enc(name)}/versions/${version}/history`,
  remoteValidate: () => '/api/v1/validate',
  sources: () => '/api/v1/sources',
  sourcePackages: (source: string) => `/api/v1/sources/${enc(source)}/packages`,
  imports: () => '/api/v1/imports',
  import: (id: string) => `/api/v1/imports/${enc(id)}`,
  importReplacements: (id: string) => `/api/v1/imports/${enc(id)}/replacements`,
  importPreview: (id: string) => `/api/v1/imports/${enc(id)}/preview`,
  importApply: (id: string) => `/api/v1/imports/${enc(id)}/apply`,
  importReject: (id: string) => `/api/v1/imports/${enc(id)}/reject`,
  // Authoring (issue 11)
  draftRuns: () => '/api/v1/draft-runs',
} as const;

/** Content type of a package file upload and download. */
export const PACKAGE_CONTENT_TYPE = 'application/zip';
