// launch.html: starts the SMART App Launch (EHR launch with iss+launch, or standalone with iss).
import FHIR from 'fhirclient';
import { html, render } from 'lit-html';
import { clientId, metaReader, PKCE_MODE, REDIRECT_URI, sameOrigin, scopeFor, SUMMARY_URL_KEY } from './config';
import { translator } from './strings';
import { initialLanguage, rememberLanguage, safeSession } from './language';
import { errorBox } from './views/error';
import { launchError } from './launchErrors';

const root = document.getElementById('app')!;
// lit-html appends to a container: drop the static "loading" placeholder first.
root.replaceChildren();
const lang = initialLanguage();
rememberLanguage(lang);
const tr = translator(lang);
const query = new URLSearchParams(location.search);
const iss = query.get('iss');
const launch = query.get('launch');

// A same-origin ?summaryUrl= must survive the OAuth redirect to index.html.
const override = sameOrigin(query.get('summaryUrl'), new URL(location.href));
if (override) safeSession(() => sessionStorage.setItem(SUMMARY_URL_KEY, override));

if (!iss) {
  render(
    errorBox({ kind: 'launch', title: tr.t('launchErrorTitle'), message: tr.t('launchNoIss'), advice: tr.t('launchAdvice') }, tr),
    root,
  );
  document.body.dataset.ready = 'error';
} else {
  render(html`<p class="loading" role="status">${tr.t('connecting')}</p>`, root);
  const meta = metaReader(document);
  FHIR.oauth2
    .authorize({
      clientId: clientId({ meta, query }),
      scope: scopeFor({ meta, query }, !!launch),
      redirectUri: REDIRECT_URI,
      pkceMode: PKCE_MODE,
      iss,
      launch: launch ?? undefined,
      // Inside an EHR iframe, finish the flow in the same frame.
      completeInTarget: true,
    })
    .catch((err: unknown) => {
      render(errorBox(launchError(err, tr), tr), root);
      document.body.dataset.ready = 'error';
    });
}
