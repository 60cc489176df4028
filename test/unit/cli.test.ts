import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './runCli';

const cli = (...argv: string[]) => runCli(process.cwd(), ...argv);

describe('the plumbline CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const { code, stdout, stderr } = await cli('--help');
    assert.equal(code, 0);
    assert.match(stdout, /Usage: plumbline <command> \[options\]/);
    assert.match(stdout, /^ {2}version +print the version/m);
    assert.equal(stderr, '');
  });

  it('prints help for one command', async () => {
    assert.match((await cli('help', 'version')).stdout, /Usage: plumbline version \[--json\]/);
    assert.match((await cli('version', '--help')).stdout, /Usage: plumbline version/);
  });

  it('an unknown command prints one line and exits 2', async () => {
    const { code, stdout, stderr } = await cli('frobnicate');
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, 'plumbline: unknown command "frobnicate" (see plumbline --help)\n');
  });

  it('an unknown option prints one line and exits 2', async () => {
    for (const argv of [['version', '--frob'], ['--frob'], ['version', '-z']]) {
      const { code, stderr } = await cli(...argv);
      assert.equal(code, 2, argv.join(' '));
      assert.equal(stderr.split('\n').length, 2, `one line: ${stderr}`);
      assert.match(stderr, /^plumbline: .*(unknown|Unknown) option "-/);
    }
  });

  it('version --json prints a JSON object', async () => {
    const { code, stdout } = await cli('version', '--json');
    assert.equal(code, 0);
    assert.deepEqual(Object.keys(JSON.parse(stdout)), ['version']);
  });

  describe('the built bundle (dist/cli.js)', () => {
    const bin = path.resolve(__dirname, '../../dist/cli.js');
    before(function () {
      if (!existsSync(bin)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    });

    it('runs as an executable with --help', () => {
      const result = spawnSync(bin, ['--help'], { encoding: 'utf8' });
      assert.equal(result.status, 0);
      assert.match(result.stdout, /plumbline \d+\.\d+\.\d+ — /);
    });

    it('exits 2 with a one-line error and no stack trace on an unknown command', () => {
      const result = spawnSync(process.execPath, [bin, 'nope', '--json'], { encoding: 'utf8' });
      assert.equal(result.status, 2);
      assert.equal(result.stderr, 'plumbline: unknown command "nope" (see plumbline --help)\n');
      assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
    });
  });
});
