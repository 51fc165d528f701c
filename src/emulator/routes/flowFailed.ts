import type { ApiErrorBody } from '../../core/api/types';

/**
 * The 500 answer of a synchronous start (the execution route and draft runs) when the flow ended
 * in an error: `flow-failed` with the flow's message, and the execution id, the error code and the
 * failing step as details.
 */
export function flowFailedBody(executionId: string, err: { code: string; message: string; step?: string }): ApiErrorBody {
  return {
    error: {
      code: 'flow-failed',
      message: err.message,
      details: [
        { field: 'executionId', message: executionId },
        { field: 'errorCode', message: err.code },
        ...(err.step ? [{ field: 'step', message: err.step }] : []),
      ],
    },
  };
}
