import * as vscode from 'vscode';
import type { ImportDetail, PreviewResponse } from '../../core/api/types';
import type { GatewayClient } from '../../core/client/gatewayClient';
import { GatewayError } from '../../core/client/gatewayError';
import {
  writesText,
  type ActionResult,
  type DefinitionRef,
  type ReplacementCandidates,
  type ReviewRequests,
  type ReviewScope,
  type ReviewSnapshot,
} from '../../../webview/protocol/review';
import { errorText } from '../shared/errors';
import { gatewayClient } from '../shared/gateway';
import type { Logger } from '../shared/log';
import { ScopedPanels } from '../webviews/panelRegistry';
import { withSlowProgress } from '../webviews/slowProgress';
import { SnapshotPanel } from '../webviews/snapshotPanel';
import { RequestRefused, type RequestHandlers } from '../webviews/webviewHost';
import type { ImportDocuments } from './importDocuments';
import { previewSummary, replacementCandidates, shownUrl } from './reviewModel';
import { applyParams, ParamsRefused, rejectParams, saveReplacementsParams, showDefinitionParams } from './reviewParams';

/**
 * A gateway call of a request: a refused body (400) keeps its per-field details (the page shows them
 * by field); any other refusal (import-closed, validation-failed, not-found) is one error whose text
 * says what happened, with its details.
 */
async function gatewayCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof GatewayError && err.status !== 400 && err.details.length > 0) throw new Error(errorText(err));
    throw err;
  }
}

/** A page's parameters, checked: a refusal is answered by field (the host's RequestRefused). */
function checked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ParamsRefused) throw new RequestRefused(err.errors);
    throw err;
  }
}

export function reviewKey(scope: Pick<ReviewScope, 'gatewayUrl' | 'importId'>): string {
  return `${scope.gatewayUrl}|${scope.importId}`;
}

export function reviewTitle(scope: ReviewScope, detail?: Pick<ImportDetail, 'name' | 'version'>): string {
  return detail ? `Review Import: ${detail.name} v${detail.version}` : `Review Import ${scope.importId}`;
}

/**
 * One Review Import panel: one import on one target gateway. The extension side reads the import
 * (GET /api/v1/imports/{id}), its apply preview (…/preview, while OPEN) and the target's
 * definitions (GET /api/v1/definitions, for the replacement pickers) with core's GatewayClient and
 * pushes the page snapshots without any definition text: the texts of the preview go to the
 * read-only `flowgate-import:` documents (ImportDocuments), which Show Diff opens in VS Code's own
 * diff editor. The page's requests (webview/protocol/review.ts) are checked (reviewParams.ts)
 * before any gateway call; the gateway's refusals come back per field.
 */
export class ReviewPanel extends SnapshotPanel<ReviewSnapshot, ReviewRequests> {
  private readonly client: GatewayClient;
  private detail: ImportDetail | undefined;
  private loadError: string | undefined;
  private preview: PreviewResponse | undefined;
  private previewError: string | undefined;
  private targetDefinitions: DefinitionRef[] | undefined;
  private definitionsError: string | undefined;

  constructor(
    extensionUri: vscode.Uri,
    readonly scope: ReviewScope,
    log: Logger,
    private readonly documents: ImportDocuments,
  ) {
    super(
      extensionUri,
      {
        viewType: 'flowgate.reviewImport',
        title: reviewTitle(scope),
        script: 'review.js',
        style: 'review.css',
        bodyData: { gateway: scope.gatewayName, import: scope.importId },
        logName: 'Review Import',
      },
      log,
    );
    this.client = gatewayClient(scope.gatewayUrl, 'panel');
    void this.reload();
  }

  /** The import as last read from the gateway (tests). */
  current(): ImportDetail | undefined {
    return this.detail;
  }

  /** The read-only documents of a preview entry (tests): what the target holds now, what apply writes. */
  documentsOf(kind: DefinitionRef['kind'], id: string): { current: vscode.Uri; import: vscode.Uri } {
    return {
      current: this.documents.uri(this.scope.gatewayUrl, this.scope.importId, 'current', kind, id),
      import: this.documents.uri(this.scope.gatewayUrl, this.scope.importId, 'import', kind, id),
    };
  }

  private get where(): string {
    const what = this.detail ? `${this.detail.name} v${this.detail.version}` : this.scope.importId;
    return `import ${what} on ${this.scope.gatewayName}`;
  }

  protected snapshot(): ReviewSnapshot {
    return {
      scope: { ...this.scope, gatewayUrl: shownUrl(this.scope.gatewayUrl) },
      ...(this.detail ? { import: this.detail } : {}),
      ...(this.loadError ? { error: this.loadError } : {}),
      ...(this.preview ? { preview: previewSummary(this.preview) } : {}),
      ...(this.previewError ? { previewError: this.previewError } : {}),
      candidates: this.candidates(),
      ...(this.definitionsError ? { definitionsError: this.definitionsError } : {}),
      loadedAt: this.loadedAt,
    };
  }

  protected override describe(method: string): string {
    return (
      {
        reload: `Could not read ${this.where}`,
        saveReplacements: `Could not save the replacements of ${this.where}`,
        showDefinition: 'Could not open the definition',
        apply: `Could not apply ${this.where}`,
        reject: `Could not reject ${this.where}`,
      }[method] ?? method
    );
  }

  protected reading(): string {
    return this.where;
  }

  /** Reads the import, its preview and the target's definitions (each failure is said on its own). */
  protected async load(): Promise<void> {
    const [detail, definitions] = await Promise.allSettled([this.client.getImport(this.scope.importId), this.client.listDefinitions()]);
    if (detail.status === 'fulfilled') this.setDetail(detail.value);
    else {
      this.loadError = `Could not read import ${this.scope.importId} of ${this.scope.gatewayName} (${shownUrl(this.scope.gatewayUrl)}): ${errorText(detail.reason)}`;
      this.log.warn(`Review Import: ${this.loadError}`);
    }
    if (definitions.status === 'fulfilled') {
      this.targetDefinitions = definitions.value.definitions
        .map((d) => ({ kind: d.kind, id: d.id }))
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
      this.definitionsError = undefined;
    } else {
      this.definitionsError = `Could not list the definitions of ${this.scope.gatewayName}: ${errorText(definitions.reason)}`;
      this.log.warn(`Review Import: ${this.definitionsError}`);
    }
    await this.readPreview();
  }

  private setDetail(detail: ImportDetail): void {
    // An action's answer carries `changed` (or `created`): the page gets the import only.
    const { changed: _changed, created: _created, ...rest } = detail as ImportDetail & { changed?: boolean; created?: boolean };
    this.detail = rest;
    this.loadError = undefined;
    this.host.title = reviewTitle(this.scope, rest);
  }

  /** The preview of an OPEN import (an applied or rejected one has none): its texts go to the documents. */
  private async readPreview(): Promise<void> {
    if (this.detail?.status !== 'OPEN') {
      this.preview = undefined;
      this.previewError = undefined;
      return;
    }
    try {
      this.setPreview(await this.client.importPreview(this.scope.importId));
    } catch (err) {
      this.preview = undefined;
      this.previewError = `Could not read the apply preview of ${this.where}: ${errorText(err)}`;
      this.log.warn(`Review Import: ${this.previewError}`);
    }
  }

  private setPreview(preview: PreviewResponse): void {
    this.preview = preview;
    this.previewError = undefined;
    for (const e of preview.definitions) {
      const docs = this.documentsOf(e.kind, e.id);
      this.documents.set(docs.import, e.text);
      if (e.currentText !== undefined) this.documents.set(docs.current, e.currentText);
    }
  }

  private candidates(): ReplacementCandidates {
    return replacementCandidates(this.detail, this.preview, this.targetDefinitions);
  }

  private async refreshGateways(): Promise<void> {
    try {
      await vscode.commands.executeCommand('flowgate.refreshGateways');
    } catch (err) {
      this.log.warn(`Review Import: could not refresh the Gateways view: ${errorText(err)}`);
    }
  }

  private async acted(result: ImportDetail & { changed: boolean }): Promise<ActionResult> {
    this.setDetail(result);
    await this.reload();
    await this.refreshGateways();
    return { changed: result.changed, status: result.status, snapshot: this.snapshot() };
  }

  protected requests(): RequestHandlers<ReviewRequests> {
    const id = this.scope.importId;
    return {
      reload: () => this.reloaded(),
      saveReplacements: async (raw) => {
        const { replacements } = checked(() => saveReplacementsParams(raw));
        const saved = await withSlowProgress(`Flowgate: saving the replacements of ${this.where}…`, () => gatewayCall(() => this.client.putReplacements(id, replacements)));
        this.setDetail(saved);
        this.log.info(
          `Review Import: ${this.where} now replaces ${saved.replacements.length ? saved.replacements.map((r) => `${r.kind} ${r.from} → ${r.to}`).join(', ') : 'nothing'}; validation ${saved.validation.ok ? 'passes' : 'has errors'}`,
        );
        await this.reload();
        return this.snapshot();
      },
      showDefinition: async (raw) => {
        const { kind, id: defId } = checked(() => showDefinitionParams(raw));
        const entry = this.preview?.definitions.find((e) => e.kind === kind && e.id === defId);
        if (!entry) throw new RequestRefused([{ field: 'id', message: `${kind} '${defId}' is not in the apply preview of this import (Reload to read it again)` }]);
        const docs = this.documentsOf(kind, defId);
        const pkg = this.detail ? `${this.detail.name} v${this.detail.version}` : `import ${id}`;
        if (entry.change === 'changed' && entry.currentText !== undefined) {
          await vscode.commands.executeCommand('vscode.diff', docs.current, docs.import, `${defId}: ${this.scope.gatewayName} ↔ ${pkg} (read-only)`, { preview: true });
          return { opened: 'diff' };
        }
        await vscode.window.showTextDocument(docs.import, { preview: true });
        return { opened: 'document' };
      },
      apply: async (raw) => {
        const { expect } = checked(() => applyParams(raw));
        const detail = await gatewayCall(() => this.client.getImport(id));
        this.setDetail(detail);
        if (detail.status === 'OPEN') {
          const preview = await gatewayCall(() => this.client.importPreview(id));
          this.setPreview(preview);
          if (!preview.validation.ok) {
            const errors = preview.validation.problems.filter((p) => p.severity === 'error');
            throw new RequestRefused([{ field: '', message: `Not applied: the validation has ${errors.length} error${errors.length === 1 ? '' : 's'} (${errors[0]?.message ?? ''})` }]);
          }
          const now = previewSummary(preview).counts;
          if (now.new !== expect.new || now.changed !== expect.changed) {
            await this.reload();
            throw new RequestRefused([{ field: 'expect', message: `Not applied: the preview changed since it was confirmed — it now writes ${writesText(now)}; review it and apply again` }]);
          }
        }
        const result = await withSlowProgress(`Flowgate: applying ${this.where}…`, () => gatewayCall(() => this.client.applyImport(id)));
        this.log.info(`Review Import: ${this.where} ${result.changed ? `applied (${writesText(expect)} written)` : `was already ${result.status}`}`);
        return this.acted(result);
      },
      reject: async (raw) => {
        const { reason } = checked(() => rejectParams(raw));
        const result = await withSlowProgress(`Flowgate: rejecting ${this.where}…`, () => gatewayCall(() => this.client.rejectImport(id, reason)));
        this.log.info(`Review Import: ${this.where} ${result.changed ? 'rejected' : `was already ${result.status}`}`);
        return this.acted(result);
      },
    };
  }

  override dispose(): void {
    this.documents.forget(this.scope.gatewayUrl, this.scope.importId);
    super.dispose();
  }
}

/** The open Review Import panels, one per import: showing an import again reveals its panel. */
export class ReviewPanels extends ScopedPanels<ReviewScope, ReviewPanel> {
  constructor(extensionUri: vscode.Uri, log: Logger, documents: ImportDocuments) {
    super(reviewKey, (scope) => new ReviewPanel(extensionUri, scope, log, documents));
  }
}
