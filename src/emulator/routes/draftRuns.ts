/**
 * POST /api/v1/draft-runs (Admin; audited): run workspace files as they are in the editor. The
 * files are checked with core's workspace and validator (core/draft/draftRun.ts) and the flow runs
 * through the engine as an execution marked `draft: true`, with its children and connections taken
 * from the files only. Nothing is stored in the repository; no published version is read or changed.
 * A protected target (promotion) refuses draft runs: its versions come only by promotion.
 */
import { Router } from 'express';
import { DraftRunRequest } from '../../core/api/schemas/draftRuns';
import type { DraftRunResultResponse, DraftRunStartedResponse } from '../../core/api/types';
import { checkDraftRun } from '../../core/draft/draftRun';
import { ApiError } from '../errors';
import { callerOf } from '../auth/access';
import { auditDetails } from '../auth/auditTrail';
import { fullOutputs, TREE_HEADER } from '../executions/manager';
import { check, jsonBody } from '../http/validate';
import type { GatewayContext } from './context';
import { flowFailedBody } from './flowFailed';

/** The execution's package name when no package draft among the files holds the flow. */
export const WORKSPACE_PACKAGE = 'workspace';

export function draftRunRoutes(ctx: GatewayContext): Router {
  const r = Router();
  r.post('/api/v1/draft-runs', jsonBody(), async (req, res) => {
    const body = check(DraftRunRequest, req.body, 'body');
    if (ctx.trust?.protectedTarget) {
      throw new ApiError(403, 'protected-target', 'Draft runs refused: this gateway runs only versions promoted from its trusted sources');
    }
    const checked = checkDraftRun(body.files, body.flow);
    if (!checked.ok) {
      const status = checked.code === 'flow-not-found' ? 404 : 400;
      throw new ApiError(status, checked.code, checked.message, checked.problems);
    }
    const caller = ctx.auth ? callerOf(res) : undefined;
    // An http step of a running execution calling this route: the draft run joins that tree (its size and depth bounds).
    const parent = ctx.executions.parentFromHeader(req.headers[TREE_HEADER]);
    const started = ctx.executions.startDraft({
      flow: checked.flow,
      draft: { flows: checked.flows, connections: checked.connections, ...(checked.package ? { secretsPackage: checked.package.name } : {}) },
      packageName: checked.package?.name ?? WORKSPACE_PACKAGE,
      packageVersion: checked.package?.version ?? 1,
      inputs: (body.inputVariables ?? {}) as Record<string, unknown>,
      initiator: caller ? { type: caller.kind, name: caller.id } : { type: 'anonymous' },
      ...(parent ? { parent } : {}),
    });
    // The audit record names the execution (and the package draft, when one holds the flow).
    auditDetails(res, { execution: started.record.id, ...(checked.package ? { package: checked.package.name } : {}) });
    if (body.mode === 'async') {
      await ctx.executions.persisted();
      const accepted: DraftRunStartedResponse = { executionId: started.record.id, draft: true, flow: checked.flow.id };
      res.status(202).location(`/api/v1/executions/${started.record.id}`).json(accepted);
      return;
    }
    const ended = await started.done;
    await ctx.executions.persisted();
    if (ended.status === 'Error' || ended.status === 'Stopped') {
      const err = ended.error ?? { code: ended.status === 'Stopped' ? 'stopped' : 'failed', message: ended.status === 'Stopped' ? 'The draft run was stopped' : 'The flow failed' };
      res.status(500).json(flowFailedBody(ended.id, err));
      return;
    }
    const result: DraftRunResultResponse = { executionId: ended.id, status: ended.status, outputVariables: fullOutputs(ended) ?? {}, draft: true, flow: checked.flow.id };
    res.status(200).json(result);
  });
  return r;
}
