/**
 * How long the extension took to load and activate, measured cheaply (three performance.now()
 * calls) and returned in FlowgateApi.activationTimings, for bench/activation.ts and the in-host
 * test that reads them. The bundle's first line (a banner added by scripts/build.mjs) records when
 * the bundle began to evaluate; extension.ts records when every module of the bundle had run.
 */

declare const __flowgateBundleStart: number | undefined;

export interface ActivationTimings {
  /** Milliseconds from the bundle's first line to the end of its module code (its require time, less parsing); undefined when not run from the bundle. */
  bundleEvaluationMs: number | undefined;
  /** Milliseconds spent inside activate(). */
  activateMs: number;
}

/** The bundle's start (performance.now()), undefined when the code does not run from dist/extension.js. */
export function bundleStart(): number | undefined {
  return typeof __flowgateBundleStart === 'number' ? __flowgateBundleStart : undefined;
}

/** Runs `activate`, returning what it returns plus its timings. `modulesDone`: performance.now() after the bundle's modules ran. */
export function timedActivation<T extends object>(modulesDone: number, activate: () => T): T & { activationTimings: ActivationTimings } {
  const start = performance.now();
  const api = activate();
  const activateMs = performance.now() - start;
  const from = bundleStart();
  return { ...api, activationTimings: { bundleEvaluationMs: from === undefined ? undefined : modulesDone - from, activateMs } };
}
