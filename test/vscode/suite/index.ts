import { readdirSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import * as testRunner from './runner';

/**
 * The extensionTestsPath module: VS Code's extension host calls run() once the workbench has
 * started with the extension under development. The browser page, not a terminal, owns this
 * process, so results go to the runner over HTTP (PLUMBLINE_TEST_RUNNER_URL).
 */
export async function run(): Promise<void> {
  // PLUMBLINE_VSCODE_GREP (passed through the server's environment) runs only the matching tests.
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, grep: process.env.PLUMBLINE_VSCODE_GREP || undefined });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  // Reports go out one at a time, in order; without the runner (desktop VS Code) nowhere.
  let sending = Promise.resolve();
  const send = (route: string, body: unknown) => {
    if (!testRunner.available) return;
    sending = sending
      .then(() => testRunner.ask(route, body))
      .then(
        () => undefined,
        (err: unknown) => console.error(`could not report to the test runner: ${String(err)}`),
      );
  };
  const failures = await new Promise<number>((resolve) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run(resolve);
    } catch (err) {
      // A test file that fails to load must still produce a result, or the runner waits for its timeout.
      send('/event', { state: 'failed', title: 'loading the test files', error: String(err) });
      send('/result', { passed: 0, failed: 1, pending: 0 });
      resolve(1);
      return;
    }
    runner.on('pass', (test) => send('/event', { state: 'passed', title: test.fullTitle(), durationMs: test.duration }));
    runner.on('pending', (test) => send('/event', { state: 'pending', title: test.fullTitle() }));
    runner.on('fail', (test, err: Error) =>
      send('/event', { state: 'failed', title: test.fullTitle(), error: err.stack ?? err.message }),
    );
    runner.on('end', () =>
      send('/result', {
        passed: runner.stats?.passes ?? 0,
        failed: runner.stats?.failures ?? 0,
        pending: runner.stats?.pending ?? 0,
      }),
    );
  });
  await sending;
  // Under @vscode/test-electron (no runner), a rejected run() is how failures are reported.
  if (failures > 0 && !testRunner.available) throw new Error(`${failures} extension test(s) failed`);
}
