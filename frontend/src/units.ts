// Display units: how a UCUM code is shown to a clinician (10*9/L → ×10⁹/L, mg/L{FEU} → mg/L FEU), per
// language. One table for the backend's cards and this app: src/main/resources/display-units.json. The
// data keep the UCUM codes; a code not in the table is shown as it is.
import table from '../../src/main/resources/display-units.json';

type Entry = { en: string; zh: string };

export function displayUnit(ucum: string | null | undefined, lang: 'en' | 'zh' = 'en'): string {
  if (!ucum) return '';
  const entry = (table as Record<string, Entry | string>)[ucum];
  return typeof entry === 'object' && entry !== null ? entry[lang] ?? ucum : ucum;
}
