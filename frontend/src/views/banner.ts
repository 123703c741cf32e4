// Patient banner: full when the EHR asks for one (need_patient_banner), else compact.
import { html } from 'lit-html';
import type { PatientLike } from '../transforms/patient';
import { patientName } from '../transforms/patient';
import { LANGUAGES, STRINGS, type Language, type Translator } from '../strings';

export function banner(patientId: string, patient: PatientLike | null, full: boolean, tr: Translator, onLanguage: (l: Language) => void) {
  const { t } = tr;
  const name = patientName(patient) ?? t('unknownName');
  return html`<header class="top">
    <div class="brand"><strong>${t('appTitle')}</strong> <span>${t('appSubtitle')}</span></div>
    <div class=${full ? 'patient-banner full' : 'patient-banner compact'} data-testid="patient-banner">
      <span class="name">${name}</span>
      ${full && patient?.birthDate ? html`<span>${t('born', { date: patient.birthDate })}</span>` : ''}
      <span class="pid">${t('patientId', { id: patientId })}</span>
    </div>
    <label class="lang">${t('language')}
      <select data-testid="lang-switch" @change=${(e: Event) => onLanguage((e.target as HTMLSelectElement).value as Language)}>
        ${LANGUAGES.map((l) => html`<option value=${l} ?selected=${l === tr.lang} lang=${l}>${STRINGS[l].languageName}</option>`)}
      </select>
    </label>
  </header>`;
}
