// `npm run test:desktop`: the extension-test suite (dist/test/vscode/*.test.js) on desktop VS Code,
// downloaded by @vscode/test-electron. Needs internet; on machines without it, `npm run
// test:vscode` runs the same suite in code-server's VS Code (see test/vscode/runner/main.ts).
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The tests may edit the workspace, so they get a copy of the demo.
const workspace = path.join(mkdtempSync(path.join(tmpdir(), 'plumbline-desktop-')), 'demo');
cpSync('demo', workspace, { recursive: true });

export default defineConfig({
  files: 'dist/test/vscode/**/*.test.js',
  workspaceFolder: workspace,
  version: '1.99.3',
  mocha: { ui: 'bdd', timeout: 60_000 },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
});
