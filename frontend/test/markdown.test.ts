// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { markdownToSafeHtml } from '../src/markdown';
import { evaluation } from './fixture';

describe('markdownToSafeHtml', () => {
  it('renders card Markdown (lists, bold)', () => {
    const html = markdownToSafeHtml(evaluation().cards![0].detail);
    expect(html).toContain('<li>');
    expect(html).toContain('<strong>');
  });

  it('strips scripts, handlers and javascript: links', () => {
    const html = markdownToSafeHtml('<script>alert(1)</script><img src=x onerror="alert(2)">\n\n[x](javascript:alert(3))');
    expect(html).toContain('<a>x</a>');
    expect(html).not.toMatch(/<script|onerror|javascript:/i);
  });

  it('opens links in a new context without opener', () => {
    expect(markdownToSafeHtml('[ref](https://example.org)')).toContain('rel="noopener noreferrer"');
  });

  it('is empty for no detail', () => {
    expect(markdownToSafeHtml(undefined)).toBe('');
  });
});

describe('escapeHtml', () => {
  it('neutralises markup', async () => {
    const { escapeHtml } = await import('../src/markdown');
    expect(escapeHtml('<b a="1">&\'')).toBe('&#60;b a=&#34;1&#34;&#62;&#38;&#39;');
  });
});
