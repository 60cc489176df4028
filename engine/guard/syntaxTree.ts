import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import TreeSitter from '@vscode/tree-sitter-wasm';
import type { GuardLanguage } from './languages';

type Parser = InstanceType<typeof TreeSitter.Parser>;
type Language = Awaited<ReturnType<typeof TreeSitter.Language.load>>;
export type SyntaxNode = NonNullable<ReturnType<NonNullable<ReturnType<Parser['parse']>>['rootNode']['child']>>;

/** A comment in a text: its lines and its text. */
export interface Comment {
  startLine: number;
  endLine: number;
  text: string;
}

/** A named definition (function, method, class, CSS rule...) and its lines. */
export interface Definition {
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
  /** The body node's lines and whether it holds anything but comments. */
  body?: { startLine: number; endLine: number; empty: boolean };
}

export interface ParsedText {
  comments: Comment[];
  definitions: Definition[];
  /** First line of the first syntax error, or null when the text parses. */
  errorLine: number | null;
}

/**
 * web-tree-sitter and the grammars of @vscode/tree-sitter-wasm. The wasm files sit beside the
 * bundle (dist/tree-sitter/, copied by esbuild.mjs) or, when running from source, in the package.
 */
export class SyntaxTrees {
  private parser: Parser | undefined;
  private readonly languages = new Map<string, Promise<Language>>();

  constructor(private readonly wasmDir = defaultWasmDir()) {}

  async parse(text: string, language: GuardLanguage): Promise<ParsedText | undefined> {
    if (!language.grammar) return undefined;
    const parser = await this.getParser();
    parser.setLanguage(await this.getLanguage(language.grammar));
    const tree = parser.parse(text);
    if (!tree) return undefined;
    try {
      return read(tree.rootNode as unknown as SyntaxNode);
    } finally {
      tree.delete();
    }
  }

  private async getParser(): Promise<Parser> {
    if (!this.parser) {
      await TreeSitter.Parser.init({ locateFile: (file: string) => path.join(this.wasmDir, file) });
      this.parser = new TreeSitter.Parser();
    }
    return this.parser;
  }

  private getLanguage(grammar: string): Promise<Language> {
    let language = this.languages.get(grammar);
    if (!language) {
      // Bytes, not a path: web-tree-sitter's own file loading does not survive bundling.
      language = readFile(path.join(this.wasmDir, grammar)).then((bytes) => TreeSitter.Language.load(bytes));
      this.languages.set(grammar, language);
    }
    return language;
  }
}

function defaultWasmDir(): string {
  const bundled = path.join(__dirname, 'tree-sitter');
  if (existsSync(path.join(bundled, 'tree-sitter.wasm'))) return bundled;
  return path.dirname(require.resolve('@vscode/tree-sitter-wasm'));
}

const definitionTypes = /^(function_declaration|function_definition|function_item|method_definition|method_declaration|method|singleton_method|function|generator_function_declaration|class_declaration|class_definition|class|interface_declaration|struct_item|impl_item|trait_item|enum_item|constructor_declaration|arrow_function|rule_set|abstract_method_signature|lexical_declaration)$/;

function read(root: SyntaxNode): ParsedText {
  const comments: Comment[] = [];
  const definitions: Definition[] = [];
  let errorLine: number | null = null;
  // Iterative walk with a cursor: files can be deep, and recursion would be slow and risky.
  const cursor = root.walk();
  let done = false;
  while (!done) {
    const node = cursor.currentNode as unknown as SyntaxNode;
    const type = node.type;
    let descend = true;
    if (type.includes('comment')) {
      comments.push({ startLine: node.startPosition.row, endLine: node.endPosition.row, text: node.text });
      descend = false;
    } else if ((node.isError || node.isMissing) && errorLine === null) {
      errorLine = node.startPosition.row;
    } else if (/string|heredoc|template/.test(type) && !type.includes('substitution')) {
      descend = type === 'template_string'; // `${}` in templates may hold code; plain strings never hold comments
    }
    if (definitionTypes.test(type)) {
      const definition = toDefinition(node);
      if (definition) definitions.push(definition);
    }
    if (descend && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
    }
  }
  cursor.delete();
  if (errorLine === null && root.hasError) errorLine = 0;
  return { comments, definitions, errorLine };
}

function toDefinition(node: SyntaxNode): Definition | undefined {
  let nameNode = node.childForFieldName('name');
  if (node.type === 'lexical_declaration') {
    // const save = () => {...}: the declarator's name, when its value is a function.
    const declarator = node.namedChildren.find((c) => c?.type === 'variable_declarator');
    const value = declarator?.childForFieldName('value');
    if (!value || !/function|arrow/.test(value.type)) return undefined;
    nameNode = declarator!.childForFieldName('name');
  }
  if (node.type === 'rule_set') {
    const selectors = node.namedChildren.find((c) => c?.type === 'selectors');
    return selectors ? { name: selectors.text, kind: 'rule', startLine: node.startPosition.row, endLine: node.endPosition.row } : undefined;
  }
  if (!nameNode) return undefined;
  const body = node.childForFieldName('body');
  return {
    name: nameNode.text,
    kind: node.type === 'lexical_declaration' ? 'function' : node.type.replace(/_(declaration|definition|item)$/, '').replace(/_/g, ' '),
    startLine: node.startPosition.row,
    endLine: node.endPosition.row,
    body: body
      ? {
          startLine: body.startPosition.row,
          endLine: body.endPosition.row,
          empty: body.namedChildren.every((c) => !c || c.type.includes('comment')),
        }
      : undefined,
  };
}
