/** Errors raised while a flow runs. */

/** An error in the flow (a fail step, a bad expression, an HTTP failure…): try/catch can handle it. */
export class FlowError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Label of the step where it happened, e.g. `steps[2] if "Reachable?" > else[0] fail`. */
    public step?: string,
  ) {
    super(message);
    this.name = 'FlowError';
  }
}

/** The execution was stopped: not catchable by try/catch, it unwinds the whole flow. */
export class StoppedError extends Error {
  constructor() {
    super('The execution was stopped');
    this.name = 'StoppedError';
  }
}

export function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw new StoppedError();
}
