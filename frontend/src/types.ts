// Shapes of the evaluation JSON returned by the backend (see ../../README.md).
// Only what the app reads is typed; the backend may add more fields.

export type ScoreStatus = 'met' | 'not-met' | 'indeterminate';

export interface Score {
  status: ScoreStatus | string;
  points: number | null;
  maxPossible: number | null;
  threshold?: number | null;
  missing?: string[];
  notDocumented?: string[];
  items?: Record<string, number | null>;
}

export interface LabValue {
  value: number | null;
  unit?: string;
  observation?: string;
  effective?: string;
  uln?: number | null;
  ulnSource?: string;
  prolongation?: number | null;
  ratio?: number | null;
  basis?: string;
  reportedValue?: number | string | null;
  reportedUnit?: string | null;
}

export interface Day {
  day: number;
  date: string;
  inCaracWindow?: boolean;
  isth?: Score;
  cdss?: Score;
  /** Provisional CW-grade; null outside the window and when not assessable (then see cwGradeAtLeast). */
  cwGrade?: number | null;
  /** Lower bound of the CW-grade (equal to cwGrade when that is known). */
  cwGradeAtLeast?: number | null;
  values?: Record<string, LabValue | null | undefined>;
  /** Analytes with a result that day that could not be read (their items may be indeterminate). */
  unreadable?: string[];
  /** Three-valued rules: true, false, or null = not evaluable; *UnknownInputs name what is missing. */
  rules?: Record<string, unknown>;
}

/** What spans the course so far (three-valued; null = not evaluable). */
export interface Course {
  peakCwGrade?: number | null;
  peakCwGradeAtLeast?: number | null;
  thrombosisRisk?: boolean | null;
  thrombosisRiskUnknownFactors?: string[];
  bleedingRisk?: boolean | null;
  bleedingRiskUnknownFactors?: string[];
}

export interface Threshold {
  value: number;
  label: string;
  source?: string;
}

/** Which field of a LabValue a chart plots: the value, seconds over ULN, or × ULN. */
export type Scale = 'value' | 'prolongation' | 'ratio';

export interface Series {
  analyte: string;
  label: string;
  scale: Scale;
  unit: string;
  thresholds?: Threshold[];
}

export interface ClinicalEvent {
  kind: string;
  day: number;
  date?: string;
  label: string;
  grade?: number | string | null;
  resource?: string;
}

export interface DayRange {
  first: number;
  last: number;
}

export interface Card {
  uuid?: string;
  summary: string;
  indicator: 'info' | 'warning' | 'critical' | string;
  detail?: string;
  source: { label: string; url?: string; topic?: { system?: string; code: string; display?: string } };
}

export interface DataQualityNote {
  resource?: string;
  code?: string;
  problem: string;
}

export interface Evaluation {
  patient: string;
  asOf: string;
  infusionDate: string | null;
  asOfDay: number | null;
  language?: string;
  days: Day[];
  course?: Course | null;
  peakWindow?: DayRange | null;
  /** Optional day span of the charts (e.g. the CARAC window); derived from the data when absent. */
  window?: DayRange | null;
  series?: Series[];
  events?: ClinicalEvent[];
  dataQuality?: DataQualityNote[];
  cards?: Card[];
}

/** FHIR OperationOutcome, the backend's error body. */
export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue?: { severity?: string; code?: string; diagnostics?: string; details?: { text?: string } }[];
}
