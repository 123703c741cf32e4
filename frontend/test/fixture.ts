import raw from './fixtures/tc-02-evaluation.json';
import type { Evaluation } from '../src/types';

/** A fresh copy per test so that a test may edit it. */
export const evaluation = (): Evaluation => structuredClone(raw) as unknown as Evaluation;
