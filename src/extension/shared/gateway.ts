import type {
  ExecutionDetail,
  ExecutionResultResponse,
  HealthResponse,
  PackageSummary,
  PackageVersionDetail,
  UploadResponse,
} from '../../core/api/types';
import { GatewayClient } from '../../core/client/gatewayClient';

/**
 * The calls the extension makes to a gateway, through core's GatewayClient (the one client the
 * CLI uses too). Errors are core's `GatewayError { status, code, message, details }`.
 */
export interface Gateway {
  readonly url: string;
  health(): Promise<HealthResponse>;
  listPackages(): Promise<PackageSummary[]>;
  getPackage(name: string): Promise<PackageSummary>;
  getVersion(name: string, version: number): Promise<PackageVersionDetail>;
  upload(bytes: Uint8Array): Promise<UploadResponse>;
  publish(name: string, version: number): Promise<PackageSummary>;
  startExecution(flow: string, inputs: Record<string, unknown>, where: { packageName?: string; packageVersion?: number }): Promise<ExecutionResultResponse>;
  getExecution(id: string): Promise<ExecutionDetail>;
}

export function gatewayClient(url: string, timeoutMs = 15_000): Gateway {
  const client = new GatewayClient(url, { timeoutMs });
  return {
    url,
    health: () => client.health(),
    listPackages: async () => (await client.listPackages()).packages,
    getPackage: (name) => client.getPackage(name),
    getVersion: (name, version) => client.getVersion(name, version),
    upload: (bytes) => client.uploadPackage(bytes),
    publish: (name, version) => client.publish(name, version),
    startExecution: async (flow, inputs, where) => {
      const answer = await client.startExecution(flow, {
        inputVariables: inputs,
        packageName: where.packageName,
        packageVersion: where.packageVersion,
        mode: 'sync',
        timeoutMs,
      });
      if (answer.kind === 'result') return answer.result;
      // Only an asynchronous start answers 202; a sync call never should. Read the execution.
      const detail = await client.getExecution(answer.started.executionId);
      return {
        executionId: detail.id,
        status: detail.status,
        outputVariables: detail.outputs ?? {},
        packageName: detail.packageName,
        packageVersion: detail.packageVersion,
      };
    },
    getExecution: (id) => client.getExecution(id),
  };
}
