import MarkdownIt from 'markdown-it';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import csharp from 'highlight.js/lib/languages/csharp';
import cssLanguage from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdownLanguage from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

// Registered one by one (not highlight.js's "common" set) to keep the webview bundle small.
const languages = { bash, csharp, css: cssLanguage, diff, go, java, javascript, json, markdown: markdownLanguage, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);

/** The schemes a link in model output may have; anything else (command:, vscode:, file:, javascript:, relative) stays text. */
const allowedLink = /^(https?:|mailto:)/i;

const md: MarkdownIt = new MarkdownIt({
  // Raw HTML in model output is shown as text, never parsed: the first half of keeping it inert.
  html: false,
  // No bare-URL linking: it would turn URLs inside escaped raw HTML (<a href="…">) into anchors.
  linkify: false,
  highlight: (code: string, info: string): string => {
    const language = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (!language || !hljs.getLanguage(language)) return ''; // markdown-it escapes it as plain code
    const highlighted = hljs.highlight(code, { language, ignoreIllegals: true }).value;
    return `<pre class="code"><code class="hljs language-${md.utils.escapeHtml(language)}">${highlighted}</code></pre>`;
  },
});

// markdown-it consults this for links, autolinks and images alike: a link that fails it is
// left as the literal markdown text, so no anchor with a dangerous scheme can be produced.
md.validateLink = (url) => allowedLink.test(url.trim());

// Images would load from the network (and the CSP would block them anyway): show their alt text.
md.renderer.rules.image = (tokens, index) => {
  const alt = tokens[index].content;
  return `<span class="image-alt">[image: ${md.utils.escapeHtml(alt)}]</span>`;
};

// Links leave the webview for the browser (VS Code opens them); never send the webview as referrer.
md.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index].attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, index, options);
};

/**
 * Model markdown as an HTML string. Safe to put into the DOM (the only unsafeHTML use is in
 * assistantMessage.ts) because markdown-it escapes all raw HTML (html: false), links exist only
 * for http, https and mailto, images become text, and highlight.js emits escaped text in spans.
 */
export function renderMarkdown(text: string): string {
  return md.render(text);
}
