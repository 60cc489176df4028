import path from 'node:path';

/**
 * The languages the guard knows: which tree-sitter grammar reads them (from
 * @vscode/tree-sitter-wasm) and, for those without one, how their comments look.
 */
export interface GuardLanguage {
  id: string;
  /** File name of the grammar in @vscode/tree-sitter-wasm's wasm folder. */
  grammar?: string;
  /** Comment syntax for languages without a grammar. */
  comments?: 'html' | 'none';
  /** JSON is checked by parsing it. */
  json?: boolean;
  /** Markdown, JSON and plain text hold no code of their own: nothing in them is a stub (a sample in a fence is an example). */
  notCode?: boolean;
  /** Python stub files (`.pyi`): every body is `...` or `pass` by design. */
  stubsByDesign?: boolean;
}

const languages: GuardLanguage[] = [
  { id: 'typescript', grammar: 'tree-sitter-typescript.wasm' },
  { id: 'typescriptreact', grammar: 'tree-sitter-tsx.wasm' },
  { id: 'javascript', grammar: 'tree-sitter-javascript.wasm' },
  { id: 'javascriptreact', grammar: 'tree-sitter-javascript.wasm' },
  { id: 'python', grammar: 'tree-sitter-python.wasm' },
  { id: 'python-stubs', grammar: 'tree-sitter-python.wasm', stubsByDesign: true },
  { id: 'go', grammar: 'tree-sitter-go.wasm' },
  { id: 'rust', grammar: 'tree-sitter-rust.wasm' },
  { id: 'java', grammar: 'tree-sitter-java.wasm' },
  { id: 'csharp', grammar: 'tree-sitter-c-sharp.wasm' },
  { id: 'ruby', grammar: 'tree-sitter-ruby.wasm' },
  { id: 'php', grammar: 'tree-sitter-php.wasm' },
  { id: 'shellscript', grammar: 'tree-sitter-bash.wasm' },
  { id: 'css', grammar: 'tree-sitter-css.wasm' },
  { id: 'cpp', grammar: 'tree-sitter-cpp.wasm' },
  { id: 'c', grammar: 'tree-sitter-cpp.wasm' },
  { id: 'html', comments: 'html' },
  { id: 'markdown', comments: 'html', notCode: true },
  { id: 'json', comments: 'none', json: true, notCode: true },
  { id: 'plaintext', comments: 'none', notCode: true },
];

const aliases: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'typescriptreact',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascriptreact',
  py: 'python', pyi: 'python-stubs', go: 'go', rs: 'rust', java: 'java', cs: 'csharp', rb: 'ruby',
  php: 'php', sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', css: 'css',
  cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', h: 'c', c: 'c',
  html: 'html', htm: 'html', md: 'markdown', markdown: 'markdown', json: 'json', txt: 'plaintext',
  'c#': 'csharp', shell: 'shellscript', react: 'typescriptreact',
};

/** A language by VS Code language id, alias or file extension; plaintext when unknown. */
export function guardLanguage(idOrExtension: string): GuardLanguage {
  const key = idOrExtension.toLowerCase().replace(/^\./, '');
  const id = languages.some((l) => l.id === key) ? key : (aliases[key] ?? 'plaintext');
  return languages.find((l) => l.id === id)!;
}

/**
 * A language a person or an agent named explicitly: never a silent fallback to plain text
 * (which checks nothing). Throws with a message that says what is accepted.
 */
export function knownLanguage(idOrExtension: string): GuardLanguage {
  const language = guardLanguage(idOrExtension);
  if (language.id === 'plaintext' && !/^(plaintext|text|txt)$/i.test(idOrExtension)) {
    throw new Error(`unknown language "${idOrExtension}" (a VS Code language id such as typescript, python, go, or a file extension)`);
  }
  return language;
}

/** The language of a file, by its extension. */
export function languageOfFile(file: string): GuardLanguage {
  return guardLanguage(path.extname(file) || 'txt');
}
