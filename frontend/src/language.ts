// The UI language of this tab: remembered per tab (sessionStorage holds only "en"/"zh").
import { LANGUAGE_KEY } from './config';
import { isLanguage, preferredLanguage, type Language } from './strings';

export function initialLanguage(): Language {
  const stored = safeSession(() => sessionStorage.getItem(LANGUAGE_KEY));
  return isLanguage(stored) ? stored : preferredLanguage(navigator.languages ?? [navigator.language]);
}

export function rememberLanguage(lang: Language): void {
  safeSession(() => sessionStorage.setItem(LANGUAGE_KEY, lang));
  document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
}

/** sessionStorage can throw in sandboxed iframes; the app works without it. */
export function safeSession<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}
