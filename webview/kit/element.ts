/**
 * The base of every Flowgate page element: a Lit element that renders into the light DOM, so the
 * page's stylesheet (one per page, loaded under the CSP: webview/<page>/<page>.css on
 * webview/kit/kit.css) styles it and the page stays one document to tests and screen readers.
 *
 * Reactive properties are declared with `static properties` and `declare` fields (the project
 * compiles with `useDefineForClassFields`, under which class-field initialisers would shadow
 * Lit's accessors): initialise them in the constructor.
 */
import { LitElement } from 'lit';

export class PageElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Dispatches a bubbling event with `detail` (the way a kit element tells its page). */
  protected emit<T>(name: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
  }
}
