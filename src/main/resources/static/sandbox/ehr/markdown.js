// A small Markdown renderer for CDS Hooks card `detail` (GitHub-flavoured Markdown subset) that is safe by
// construction: it builds DOM nodes with createElement/textContent only, never parses HTML, so raw HTML in
// a card is shown as text. Links are kept only for http(s) and mailto URLs and open in a new tab.
//
// Entities &lt; &gt; &amp; &quot; &#39; become their character (as text).
// Blocks: paragraphs, ATX headings, bullet and numbered lists, block quotes, fenced code, GFM tables,
// hard line breaks (two trailing spaces or a backslash). Inline: backslash escapes, `code`, **strong**,
// __strong__, *em*, _em_, ~~strike~~, [text](url), <https://autolinks>. An emphasis delimiter opens only
// at a word's start and closes only at a word's end, so units such as 10*9/L stay as written.

const PUNCT = /[!-\/:-@\[-`{-~]/;
const SAFE_URL = /^(https?:|mailto:)/i;

/** Renders `text` into a DocumentFragment of `doc`. */
export function renderMarkdown(text, doc = document) {
  const frag = doc.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  renderBlocks(lines, frag, doc);
  return frag;
}

function renderBlocks(lines, parent, doc) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) {
      i++;
      continue;
    }
    let m;
    if ((m = /^ {0,3}(`{3,}|~{3,})/.exec(line))) {
      const fence = m[1];
      const pre = el(doc, 'pre');
      const code = el(doc, 'code');
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(fence)) body.push(lines[i++]);
      i++; // closing fence
      code.textContent = body.join('\n');
      pre.append(code);
      parent.append(pre);
      continue;
    }
    if ((m = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))) {
      // card headings sit under the card summary: level 1 → h4 … capped at h6
      const h = el(doc, 'h' + Math.min(6, m[1].length + 3));
      inline(m[2], h, doc);
      parent.append(h);
      i++;
      continue;
    }
    if (/^ {0,3}>/.test(line)) {
      const quoted = [];
      while (i < lines.length && /^ {0,3}>/.test(lines[i])) quoted.push(lines[i++].replace(/^ {0,3}> ?/, ''));
      const bq = el(doc, 'blockquote');
      renderBlocks(quoted, bq, doc);
      parent.append(bq);
      continue;
    }
    if (isListItem(line)) {
      i = renderList(lines, i, parent, doc);
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/.test(lines[i + 1])) {
      i = renderTable(lines, i, parent, doc);
      continue;
    }
    const para = [];
    while (i < lines.length && !/^\s*$/.test(lines[i]) && !startsBlock(lines[i])) para.push(lines[i++]);
    if (para.length === 0) para.push(lines[i++]);
    const p = el(doc, 'p');
    para.forEach((l, k) => {
      const hard = k < para.length - 1 && (/ {2,}$/.test(l) || /\\$/.test(l));
      inline(hard ? l.replace(/( {2,}|\\)$/, '') : l.trim(), p, doc);
      if (k < para.length - 1) p.append(hard ? el(doc, 'br') : doc.createTextNode(' '));
    });
    parent.append(p);
  }
}

function startsBlock(line) {
  return /^ {0,3}(#{1,6}\s|>|`{3,}|~{3,})/.test(line) || isListItem(line);
}

function isListItem(line) {
  return /^ {0,3}([-*+]|\d{1,9}[.)])\s+\S/.test(line);
}

function renderList(lines, i, parent, doc) {
  const ordered = /^ {0,3}\d/.test(lines[i]);
  const list = el(doc, ordered ? 'ol' : 'ul');
  if (ordered) {
    const start = parseInt(/\d+/.exec(lines[i])[0], 10);
    if (start !== 1) list.setAttribute('start', String(start));
  }
  while (i < lines.length && isListItem(lines[i]) && /^ {0,3}\d/.test(lines[i]) === ordered) {
    const parts = [lines[i].replace(/^ {0,3}([-*+]|\d{1,9}[.)])\s+/, '')];
    i++;
    // continuation lines (indented, not a new item) belong to this item
    while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !isListItem(lines[i])) parts.push(lines[i++].trim());
    const li = el(doc, 'li');
    inline(parts.join(' '), li, doc);
    list.append(li);
  }
  parent.append(list);
  return i;
}

function splitRow(line) {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells = [];
  let cur = '';
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '\\' && s[k + 1] === '|') {
      cur += '|';
      k++;
    } else if (s[k] === '|') {
      cells.push(cur.trim());
      cur = '';
    } else cur += s[k];
  }
  cells.push(cur.trim());
  return cells;
}

function renderTable(lines, i, parent, doc) {
  const head = splitRow(lines[i]);
  const aligns = splitRow(lines[i + 1]).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : ''));
  const table = el(doc, 'table');
  const thead = el(doc, 'thead');
  const tr = el(doc, 'tr');
  head.forEach((c, k) => {
    const th = el(doc, 'th');
    th.setAttribute('scope', 'col');
    if (aligns[k]) th.style.textAlign = aligns[k];
    inline(c, th, doc);
    tr.append(th);
  });
  thead.append(tr);
  table.append(thead);
  const tbody = el(doc, 'tbody');
  i += 2;
  while (i < lines.length && lines[i].includes('|') && !/^\s*$/.test(lines[i])) {
    const row = el(doc, 'tr');
    splitRow(lines[i]).slice(0, head.length).forEach((c, k) => {
      const td = el(doc, 'td');
      if (aligns[k]) td.style.textAlign = aligns[k];
      inline(c, td, doc);
      row.append(td);
    });
    tbody.append(row);
    i++;
  }
  table.append(tbody);
  parent.append(table);
  return i;
}

// ---- inline ---------------------------------------------------------------------------------------------

function inline(text, parent, doc) {
  let buf = '';
  const flush = () => {
    if (buf) parent.append(doc.createTextNode(buf));
    buf = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length && PUNCT.test(text[i + 1])) {
      buf += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '&') {
      // the entities CARAC Watch writes for record text (CommonMark decodes them too), shown as text
      const m = /^&(lt|gt|amp|quot|#39);/.exec(text.slice(i));
      if (m) {
        buf += { lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'" }[m[1]];
        i += m[0].length;
        continue;
      }
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))[0];
      const end = text.indexOf(run, i + run.length);
      if (end > 0) {
        flush();
        const code = el(doc, 'code');
        code.textContent = text.slice(i + run.length, end).replace(/^ (.*) $/, '$1');
        parent.append(code);
        i = end + run.length;
        continue;
      }
      buf += run;
      i += run.length;
      continue;
    }
    if (c === '<') {
      const m = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(text.slice(i));
      if (m) {
        flush();
        parent.append(link(doc, m[1], (a) => (a.textContent = m[1])));
        i += m[0].length;
        continue;
      }
    }
    if (c === '[') {
      const m = matchLink(text, i);
      if (m) {
        flush();
        if (SAFE_URL.test(m.url)) {
          parent.append(link(doc, m.url, (a) => inline(m.label, a, doc)));
        } else {
          inline(m.label, parent, doc); // unsafe or relative target: the label alone
        }
        i = m.end;
        continue;
      }
    }
    if (c === '*' || c === '_' || c === '~') {
      const run = new RegExp('^\\' + c + '+').exec(text.slice(i))[0];
      const size = c === '~' ? (run.length >= 2 ? 2 : 0) : Math.min(run.length, 2);
      if (size > 0 && canOpen(text, i, run.length)) {
        const delim = c.repeat(size);
        const close = findCloser(text, i + size, delim);
        if (close > 0) {
          flush();
          const tag = c === '~' ? 's' : size === 2 ? 'strong' : 'em';
          const node = el(doc, tag);
          inline(text.slice(i + size, close), node, doc);
          parent.append(node);
          i = close + size;
          continue;
        }
      }
      buf += run;
      i += run.length;
      continue;
    }
    buf += c;
    i++;
  }
  flush();
}

const isSpace = (ch) => ch === undefined || /\s/.test(ch);
const isBoundary = (ch) => isSpace(ch) || PUNCT.test(ch);

/** An opener: at the start, or after a space/punctuation, and followed by a non-space. */
function canOpen(text, i, len) {
  return isBoundary(text[i - 1]) && !isSpace(text[i + len]);
}

/** The index of a closing delimiter after a non-space and before the end, a space or punctuation. */
function findCloser(text, from, delim) {
  for (let k = from; k < text.length; k++) {
    if (text[k] === '\\') {
      k++;
      continue;
    }
    if (text[k] === '`') {
      const run = /^`+/.exec(text.slice(k))[0];
      const end = text.indexOf(run, k + run.length);
      if (end > 0) k = end + run.length - 1;
      continue;
    }
    if (text.startsWith(delim, k) && k > from && !isSpace(text[k - 1])) {
      const after = text[k + delim.length];
      if (after === delim[0]) continue; // part of a longer run
      if (isBoundary(after)) return k;
    }
  }
  return -1;
}

function matchLink(text, i) {
  // [label](url "title"): nested brackets one level deep
  let depth = 0;
  let k = i;
  for (; k < text.length; k++) {
    if (text[k] === '\\') {
      k++;
      continue;
    }
    if (text[k] === '[') depth++;
    else if (text[k] === ']' && --depth === 0) break;
  }
  if (k >= text.length || text[k + 1] !== '(') return null;
  const m = /^\(\s*<?([^\s()<>]*)>?(?:\s+"[^"]*")?\s*\)/.exec(text.slice(k + 1));
  if (!m) return null;
  return { label: text.slice(i + 1, k), url: m[1], end: k + 1 + m[0].length };
}

function link(doc, url, fill) {
  const a = el(doc, 'a');
  a.setAttribute('href', url);
  a.setAttribute('target', '_blank');
  a.setAttribute('rel', 'noopener noreferrer');
  fill(a);
  return a;
}

function el(doc, tag) {
  return doc.createElement(tag);
}
