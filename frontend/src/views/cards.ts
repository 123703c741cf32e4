// CDS Hooks cards as the EHR would show them, plus the data-quality notes.
import { html, nothing, type TemplateResult } from 'lit-html';
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import type { Card, DataQualityNote } from '../types';
import type { Translator } from '../strings';
import { markdownToSafeHtml } from '../markdown';

export function cardList(cards: readonly Card[] | undefined, highlight: string | null, tr: Translator): TemplateResult {
  const { t } = tr;
  return html`<section class="cards" aria-labelledby="cards-title">
    <h2 id="cards-title">${t('cards')}</h2>
    ${cards?.length ? cards.map((c, i) => card(c, i, highlight, tr)) : html`<p>${t('noCards')}</p>`}
  </section>`;
}

function card(c: Card, index: number, highlight: string | null, tr: Translator) {
  const code = c.source?.topic?.code;
  const highlighted = !!code && code === highlight;
  return html`<article class="card indicator-${c.indicator}${highlighted ? ' highlighted' : ''}"
      data-testid="card-${code ?? `untitled-${index}`}" tabindex="-1" aria-current=${highlighted ? 'true' : 'false'}>
    <header>
      <span class="indicator">${tr.lookup(`indicator.${c.indicator}`) ?? c.indicator}</span>
      <h3>${c.summary}</h3>
    </header>
    <div class="detail">${unsafeHTML(markdownToSafeHtml(c.detail))}</div>
    <footer>${tr.t('cardSource', { label: c.source?.label ?? '' })}${c.source?.topic?.display ? ` · ${c.source.topic.display}` : ''}${code ? ` (${code})` : ''}</footer>
  </article>`;
}

export function dataQuality(notes: readonly DataQualityNote[] | undefined, tr: Translator) {
  if (!notes?.length) return nothing;
  return html`<section class="data-quality" data-testid="data-quality">
    <h2>${tr.t('dataQuality')}</h2>
    <ul>${notes.map((n) => html`<li>${n.problem}${n.resource ? html` <code>${n.resource}</code>` : nothing}</li>`)}</ul>
  </section>`;
}
