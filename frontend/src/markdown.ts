// Card details are GitHub-flavoured Markdown from the backend. They are rendered with
// `marked` and then sanitised with DOMPurify: no raw HTML from the wire reaches the page.
import { marked } from 'marked';
import DOMPurify from 'dompurify';

export function markdownToSafeHtml(markdown: string | undefined): string {
  if (!markdown) return '';
  // Where DOMPurify cannot work it returns its input unchanged: show plain text instead.
  if (!DOMPurify.isSupported) return `<p>${escapeHtml(markdown).replace(/\n/g, '<br>')}</p>`;
  const html = marked.parse(markdown, { async: false, gfm: true }) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Links in card details open outside the EHR frame and cannot reach back into the app.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName === 'A' && (node as Element).hasAttribute('href')) {
    (node as Element).setAttribute('target', '_blank');
    (node as Element).setAttribute('rel', 'noopener noreferrer');
  }
});
