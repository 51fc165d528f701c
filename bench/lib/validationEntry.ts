/** What bench/validation.ts bundles and times: the extension's validation path (core). */
export { validateFile } from '../../src/core/validate/validate';
export { WorkspaceValidation } from '../../src/core/validate/workspaceValidation';
export { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';
