import { describe, expect, it } from 'vitest';
import { clientId, DEFAULT_SCOPE, scopeFor, summaryUrl } from '../src/config';

const page = 'https://ehr.example.org/app/index.html';
const o = (meta: Record<string, string> = {}, query = '', stored: string | null = null) => ({
  meta: (n: string) => meta[n] ?? null,
  query: new URLSearchParams(query),
  stored,
});

describe('config', () => {
  it('has the documented defaults', () => {
    expect(clientId(o())).toBe('carac-watch');
    expect(summaryUrl(o(), page)).toBe('https://ehr.example.org/api/summary');
    expect(scopeFor(o(), true)).toBe(DEFAULT_SCOPE);
  });

  it('asks for a patient picker only in a standalone launch', () => {
    expect(scopeFor(o(), false)).toBe(`${DEFAULT_SCOPE.replace(/^launch /, '')} launch/patient`);
    expect(scopeFor(o(), true)).not.toContain('launch/patient');
  });

  it('drops the EHR-launch scope `launch` in a standalone launch', () => {
    expect(scopeFor(o(), false).split(' ')).not.toContain('launch');
    expect(scopeFor(o(), true).split(' ')).toContain('launch');
    expect(scopeFor(o({ 'carac-scope': 'launch openid patient/*.rs' }), false)).toBe('openid patient/*.rs launch/patient');
  });

  it('lets the deployer override with meta tags', () => {
    const meta = { 'carac-client-id': 'x', 'carac-summary-url': 'https://cds.example.com/api/summary' };
    expect(clientId(o(meta))).toBe('x');
    expect(summaryUrl(o(meta), page)).toBe('https://cds.example.com/api/summary');
  });

  it('honours a query or stored override only on the same origin (the access token goes there)', () => {
    expect(summaryUrl(o({}, 'summaryUrl=/other/summary'), page)).toBe('https://ehr.example.org/other/summary');
    expect(summaryUrl(o({}, '', '/stored/summary'), page)).toBe('https://ehr.example.org/stored/summary');
    expect(summaryUrl(o({}, 'summaryUrl=https://evil.example.net/steal'), page)).toBe('https://ehr.example.org/api/summary');
    expect(summaryUrl(o({}, 'summaryUrl=//evil.example.net/x'), page)).toBe('https://ehr.example.org/api/summary');
  });
});
