// @vitest-environment jsdom
// The sandbox EHR page's own Markdown renderer (src/main/resources/static/sandbox/ehr/markdown.js): plain
// ES module served by Spring, no build step; it must render card detail and never create markup from text.
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluation } from './fixture';

const modulePath = '../../src/main/resources/static/sandbox/ehr/markdown.js';
let renderMarkdown: (text: string) => DocumentFragment;

beforeAll(async () => {
  ({ renderMarkdown } = await import(/* @vite-ignore */ modulePath));
});

function html(text: string): string {
  const div = document.createElement('div');
  div.append(renderMarkdown(text));
  return div.innerHTML;
}

describe('EHR page markdown', () => {
  it('renders card detail: paragraphs, lists, bold', () => {
    const out = html(evaluation().cards![0].detail ?? '');
    expect(out).toContain('<li>');
    expect(out).toContain('<strong>');
    expect(out).toContain('<p>');
  });

  it('never turns text into markup', () => {
    const out = html('<script>alert(1)</script><img src=x onerror="alert(2)">\n\n[x](javascript:alert(3)) **<b>y</b>**');
    expect(out).not.toMatch(/<script|<img|<b>|href="javascript/i);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('<strong>&lt;b&gt;y&lt;/b&gt;</strong>');
  });

  it('keeps http(s) links, opening in a new tab without opener', () => {
    expect(html('[ref](https://example.org/a?b=1)')).toBe(
      '<p><a href="https://example.org/a?b=1" target="_blank" rel="noopener noreferrer">ref</a></p>');
  });

  it('leaves unit asterisks alone and honours escapes', () => {
    expect(html('42 10*9/L < 50 10*9/L')).toBe('<p>42 10*9/L &lt; 50 10*9/L</p>');
    expect(html('a \\*b\\* *c* _d_ `e*f*`')).toBe('<p>a *b* <em>c</em> <em>d</em> <code>e*f*</code></p>');
  });

  it('renders tables, headings and hard breaks', () => {
    const out = html('# T\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\nx  \ny');
    expect(out).toContain('<h4>T</h4>');
    expect(out).toContain('<th scope="col">a</th>');
    expect(out).toContain('<td style="text-align: right;">2</td>');
    expect(out).toContain('x<br>y');
  });
});
