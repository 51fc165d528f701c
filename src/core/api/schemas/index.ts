/** The gateway API's schemas (TypeBox = JSON Schema values), its error codes and its operations. */
export * from './common';
export * from './errors';
export * as PackageSchemas from './packages';
export * as ExecutionSchemas from './executions';
export * as ScheduleSchemas from './schedules';
export * as SnmpSchemas from './snmp';
export * as SecretSchemas from './secrets';
export * as GatewayKeySchemas from './gatewayKeys';
export * as PromotionSchemas from './promotion';
export * as DraftRunSchemas from './draftRuns';
export * from './operations';
