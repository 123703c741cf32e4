// The one error box: says why the app cannot go on and what to do, never a blank page.
import { html, nothing } from 'lit-html';
import type { Translator } from '../strings';

export interface ErrorInfo {
  kind: 'launch' | 'summary';
  title: string;
  message: string;
  advice?: string;
  details?: string[];
}

export function errorBox(e: ErrorInfo, tr: Translator, onRetry?: () => void) {
  return html`<div class="error-box" role="alert" data-testid="launch-error" data-error-kind=${e.kind}>
    <h2>${e.title}</h2>
    <p>${e.message}</p>
    ${e.advice ? html`<p class="advice">${e.advice}</p>` : nothing}
    ${e.details?.length
      ? html`<details ?open=${e.kind === 'summary'}><summary>${tr.t('technicalDetails')}</summary>
          <ul>${e.details.map((d) => html`<li>${d}</li>`)}</ul></details>`
      : nothing}
    ${onRetry ? html`<button type="button" @click=${onRetry}>${tr.t('retry')}</button>` : nothing}
  </div>`;
}
