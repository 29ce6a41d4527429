// Assistant text as Markdown: marked parses, DOMPurify removes anything that could run, and
// highlight.js colours code blocks. Model output is untrusted input like any other.

import { marked } from '/vendor/marked/lib/marked.esm.js';
import DOMPurify from '/vendor/dompurify/dist/purify.es.mjs';

marked.setOptions({ gfm: true, breaks: false });

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

export function renderMarkdown(target, text) {
  target.innerHTML = DOMPurify.sanitize(marked.parse(text ?? ''), { USE_PROFILES: { html: true } });
  const hljs = globalThis.hljs;
  if (hljs) {
    for (const block of target.querySelectorAll('pre code')) hljs.highlightElement(block);
  }
  return target;
}
