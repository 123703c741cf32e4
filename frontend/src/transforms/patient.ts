// Patient banner text from a FHIR Patient resource.

interface HumanName {
  use?: string;
  text?: string;
  family?: string;
  given?: string[];
  period?: { end?: string };
}

export interface PatientLike {
  id?: string;
  name?: HumanName[];
  birthDate?: string;
}

/** "official" or "usual" name first, ended names last; text when given, else given + family. */
export function patientName(p: PatientLike | null | undefined): string | null {
  const names = (p?.name ?? []).filter((n) => !n.period?.end);
  const rank = (n: HumanName) => (n.use === 'official' ? 0 : n.use === 'usual' ? 1 : n.use === 'old' ? 3 : 2);
  const best = [...names].sort((a, b) => rank(a) - rank(b))[0];
  if (!best) return null;
  const text = best.text?.trim() || [...(best.given ?? []), best.family ?? ''].join(' ').trim();
  return text || null;
}
