// Bundles Plumbline: node esbuild.mjs [--watch] [--production]
//   dist/client.js        the extension (CommonJS, `vscode` external)
//   dist/server.js        the language server, its own process
//   dist/cli.js           the `plumbline` CLI: a small launcher of dist/cli/main.mjs
//   dist/cli/*.mjs        the CLI as ES modules split per command, so each loads only what it needs
//   dist/webviews/*.js    one browser bundle per webview, plus the codicon font they use
//   dist/tree-sitter/     the tree-sitter grammars (wasm) the guard loads
//   dist/sql-wasm.wasm    SQLite for the store (sql.js)
//   dist/test/vscode/*.js the extension-test suite (not in --production builds)
//   dist/bench.js         the benchmarks (only with --bench: npm run bench, which also builds dist/test/vscode)
import * as esbuild from 'esbuild';
import { chmod, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const watch = process.argv.includes('--watch');
// --bench: only the benchmark bundle (dist/bench.js), built like the product so the figures are for shipped code.
const bench = process.argv.includes('--bench');
const production = process.argv.includes('--production');
const pkg = JSON.parse(await readFile('package.json', 'utf8'));

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  define: { PLUMBLINE_VERSION: JSON.stringify(pkg.version) },
};

/** @type {esbuild.BuildOptions} */
// ws loads these native speed-ups only if they are installed; it works without them.
const node = { ...common, platform: 'node', target: 'node20', format: 'cjs', external: ['bufferutil', 'utf-8-validate'] };

/** @type {esbuild.BuildOptions} */
const cli = {
  ...node,
  outdir: 'dist/cli',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  // Bundled CommonJS dependencies still `require` Node's modules, and the engine finds its
  // assets (dist/tree-sitter, dist/sql-wasm.wasm) through __dirname: both as in the CJS
  // bundles, with __dirname the dist folder the chunks' folder sits in.
  banner: {
    js: [
      "import { createRequire as __plumblineRequire } from 'node:module';",
      "import { fileURLToPath as __plumblinePath } from 'node:url';",
      'const require = __plumblineRequire(import.meta.url);',
      'const __filename = __plumblinePath(import.meta.url);',
      "const __dirname = __plumblinePath(new URL('..', import.meta.url));",
    ].join('\n'),
  },
};

/** Imports of modules built as bundles of their own (source path → built file beside the importer). */
function builtApart(paths) {
  return {
    name: 'built-apart',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => (paths[args.path] ? { path: paths[args.path], external: true } : undefined));
    },
  };
}

const testEntries = (await readdir('test/vscode/suite'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => path.join('test/vscode/suite', f));

/** The extension-test suite; also built by --bench, whose activation benchmark runs one of its tests against the production client. */
const testSuite = { ...node, entryPoints: testEntries, outdir: 'dist/test/vscode', external: [...node.external, 'vscode', 'mocha'] };

const builds = [
  { ...node, entryPoints: { client: 'client/extension.ts' }, outdir: 'dist', external: [...node.external, 'vscode'] },
  { ...node, entryPoints: { server: 'server/server.ts' }, outdir: 'dist' },
  // The CLI: ES modules split per command. `plumbline hook` (on every edit an agent makes) and
  // `trace-codes` (timed against rg) are bundles of their own: in the shared chunks they would
  // load zod's full API and every locale, which the rest of the CLI uses, where zod/mini is
  // enough for them. The hook's hub report is one more bundle, loaded only when a hub runs.
  {
    ...cli,
    entryPoints: { main: 'engine/cli/bin.ts', 'hub-report': 'engine/hub/reportEdits.ts' },
    splitting: true,
    plugins: [builtApart({ './hook.js': './hook.mjs', './traceCodes.js': './trace-codes.mjs' })],
  },
  { ...cli, entryPoints: { hook: 'engine/cli/hook.ts', 'trace-codes': 'engine/cli/traceCodes.ts' }, plugins: [builtApart({ '../hub/reportEdits.js': './hub-report.mjs' })] },
  {
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    entryPoints: { chat: 'webviews/chat/main.ts', plans: 'webviews/plans/main.ts', runs: 'webviews/runs/main.ts' },
    outdir: 'dist/webviews',
    tsconfig: 'webviews/tsconfig.json',
  },
  ...(production
    ? []
    : [
        testSuite,
        // Broken suites for the runner's own checks (test/vscode/runner.test.ts).
        {
          ...node,
          entryPoints: {
            'failing/index': 'test/vscode/suite/index.ts',
            'failing/fails.test': 'test/vscode/selfcheck/fails.test.ts',
            silent: 'test/vscode/selfcheck/silent.ts',
          },
          outdir: 'dist/test/vscode-selfcheck',
          external: [...node.external, 'vscode', 'mocha'],
        },
      ]),
];

if (bench) {
  await Promise.all([
    esbuild.build({ ...node, entryPoints: { bench: 'bench/main.ts' }, outdir: 'dist', sourcemap: false, logLevel: 'warning' }),
    esbuild.build({ ...testSuite, logLevel: 'warning' }),
  ]);
  process.exit(0);
}

await rm('dist', { recursive: true, force: true });
await mkdir('dist/webviews', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) {
  await copyFile(path.join('node_modules/@vscode/codicons/dist', file), path.join('dist/webviews', file));
}
// The guard's syntax trees: web-tree-sitter and the grammars it loads at run time (engine/guard/syntaxTree.ts).
await mkdir('dist/tree-sitter', { recursive: true });
for (const file of await readdir('node_modules/@vscode/tree-sitter-wasm/wasm')) {
  if (file.endsWith('.wasm')) await copyFile(path.join('node_modules/@vscode/tree-sitter-wasm/wasm', file), path.join('dist/tree-sitter', file));
}
// The store's SQLite (engine/store/sqlJs.ts loads it from beside the bundle).
await copyFile('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  await writeCliLauncher();
  console.log('esbuild: watching for changes (Ctrl-C to stop)');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  await writeCliLauncher();
}

/**
 * dist/cli.js, the `plumbline` bin: CommonJS (as the package is) loading the ES-module CLI. Its
 * errors are the CLI's own; this only says so when the CLI's files are missing.
 */
async function writeCliLauncher() {
  await writeFile(
    'dist/cli.js',
    [
      '#!/usr/bin/env node',
      "'use strict';",
      '// The CLI itself is dist/cli/main.mjs and the chunks it loads per command (esbuild.mjs).',
      "import('./cli/main.mjs').catch((err) => {",
      "  process.stderr.write(`plumbline: cannot start: ${err && err.message}\\n`);",
      '  process.exitCode = 1;',
      '});',
      '',
    ].join('\n'),
  );
  await chmod('dist/cli.js', 0o755);
}
