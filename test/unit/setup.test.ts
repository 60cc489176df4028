import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * scripts/setup.mjs, the set-up `npm start` and `npm test` run first, run on a copy of it in an
 * empty project folder with a PATH of stand-ins: dpkg-query answers from a list of installed
 * packages, apt-get adds to that list, sudo is passwordless or asks for a password, npm ci makes
 * node_modules. Each stand-in writes the command it was given to a log, so a test sees exactly
 * what the set-up ran. PLUMBLINE_SETUP_UID plays root or another user.
 */
const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

const startPackages = ['ripgrep', 'libkrb5-dev', 'g++', 'make', 'python3', 'git'];
const testPackages = [...startPackages, 'chromium', 'fonts-dejavu-core'];

const stubs: Record<string, string> = {
  'dpkg-query': `
shift 2  # -W --showformat=...
status=0
for p in "$@"; do
  if grep -qx -- "$p" "$FAKE/installed"; then printf '%s\\tinstall ok installed\\n' "$p"
  else echo "dpkg-query: no packages found matching $p" >&2; status=1; fi
done
exit $status`,
  'apt-get': `
echo "apt-get $*" >> "$FAKE/log"
[ "$1" = install ] || exit 0
for p in "$@"; do case "$p" in install|-*) ;; *) echo "$p" >> "$FAKE/installed" ;; esac; done`,
  sudo: `
echo "sudo $*" >> "$FAKE/log"
[ -e "$FAKE/passwordless" ] || { echo "sudo: a password is required" >&2; exit 1; }
shift  # -n
exec "$@"`,
  npm: `
echo "npm $*" >> "$FAKE/log"
mkdir -p node_modules && echo '{}' > node_modules/.package-lock.json`,
};

describe('set-up (scripts/setup.mjs)', () => {
  let tmp: string;
  let project: string;
  let bin: string;
  let fake: string;

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'plumbline-setup-'));
    project = path.join(tmp, 'project');
    bin = path.join(tmp, 'bin');
    fake = path.join(tmp, 'fake');
    for (const dir of [path.join(project, 'scripts'), path.join(project, 'node_modules'), bin, fake]) mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(root, 'scripts/setup.mjs'), path.join(project, 'scripts/setup.mjs'));
    writeFileSync(path.join(project, 'package-lock.json'), '{}');
    writeFileSync(path.join(project, 'node_modules/.package-lock.json'), '{}');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(project, 'package-lock.json'), old, old); // node_modules is newer: no npm ci
    for (const [name, body] of Object.entries(stubs)) stub(name, body);
    installed(testPackages);
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  function stub(name: string, body: string): void {
    // The stand-ins come first on their PATH too: sudo's command must find the stand-in apt-get.
    writeFileSync(path.join(bin, name), `#!/bin/sh\nPATH="$PATH:/usr/bin:/bin"\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  function installed(names: string[]): void {
    writeFileSync(path.join(fake, 'installed'), names.map((n) => `${n}\n`).join(''));
  }
  function setup(mode: string, options: { uid?: number; env?: Record<string, string> } = {}) {
    const result = spawnSync(process.execPath, [path.join(project, 'scripts/setup.mjs'), mode], {
      cwd: project,
      encoding: 'utf8',
      env: { PATH: bin, HOME: tmp, FAKE: fake, PLUMBLINE_SETUP_UID: String(options.uid ?? 1000), ...options.env },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }
  const log = () => (existsSync(path.join(fake, 'log')) ? readFileSync(path.join(fake, 'log'), 'utf8').trim().split('\n') : []);
  const installedNow = () => readFileSync(path.join(fake, 'installed'), 'utf8').trim().split('\n');

  it('runs first in npm start and npm test, whose build and tests run only when it succeeds', () => {
    assert.match(pkg.scripts.start, /^node scripts\/setup\.mjs start && /);
    assert.match(pkg.scripts.test, /^node scripts\/setup\.mjs test && /);
  });

  it('does nothing when every package is there and node_modules is as new as the lock file', () => {
    for (const mode of ['start', 'test']) {
      const run = setup(mode);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout + run.stderr, '', 'silent');
    }
    assert.deepEqual(log(), [], 'ran neither sudo, apt-get nor npm');
  });

  it('stops with the apt-get line to run when packages are missing and there is no root and no passwordless sudo', () => {
    installed(testPackages.filter((p) => p !== 'chromium' && p !== 'ripgrep'));
    const before = statSync(path.join(project, 'node_modules/.package-lock.json')).mtimeMs;
    utimesSync(path.join(project, 'package-lock.json'), new Date(), new Date()); // npm ci would be due next

    const run = setup('test');
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      [
        'npm test needs Debian packages that are not installed:',
        "  ripgrep   VS Code's search binary (code-server's install would download it)",
        '  chromium  headless browser for the webview tests and the VS Code workbench',
        'Installing them needs root, and sudo asks for a password. Run this, then `npm test` again:',
        '',
        '  sudo apt-get install -y ripgrep chromium',
        '',
      ].join('\n'),
    );
    assert.deepEqual(log(), ['sudo -n true'], 'only asked sudo whether it needs a password: nothing installed, no npm ci');
    assert.deepEqual(installedNow().sort(), testPackages.filter((p) => p !== 'chromium' && p !== 'ripgrep').sort());
    assert.equal(statSync(path.join(project, 'node_modules/.package-lock.json')).mtimeMs, before);
  });

  it('gives the line for su when sudo is not installed', () => {
    rmSync(path.join(bin, 'sudo'));
    installed(testPackages.filter((p) => p !== 'git'));
    const run = setup('start');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /\nInstalling them needs root, and sudo is not installed\. Run this, then `npm start` again:\n\n {2}su -c 'apt-get install -y git'\n$/);
    assert.deepEqual(log(), []);
  });

  it('asks npm start only for what code-server needs, not for the browser of the tests', () => {
    installed(startPackages);
    assert.equal(setup('start').code, 0);
    const run = setup('test');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /\n {2}sudo apt-get install -y chromium fonts-dejavu-core\n$/);
  });

  it('installs missing packages with apt-get as root, then runs npm ci for a new lock file', () => {
    installed(startPackages.filter((p) => p !== 'g++'));
    utimesSync(path.join(project, 'package-lock.json'), new Date(Date.now() + 1000), new Date(Date.now() + 1000));
    const run = setup('test', { uid: 0 });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      'setup: installing Debian packages: g++ chromium fonts-dejavu-core\nsetup: node_modules is older than package-lock.json: npm ci\n',
    );
    // An `apt-get update` comes first where the machine's package lists are empty (a fresh container).
    assert.deepEqual(
      log().filter((line) => line !== 'apt-get update -qq'),
      ['apt-get install -y -qq g++ chromium fonts-dejavu-core', 'npm ci --no-audit --no-fund'],
    );
  });

  it('installs with passwordless sudo when not root', () => {
    installed(testPackages.filter((p) => p !== 'make'));
    writeFileSync(path.join(fake, 'passwordless'), '');
    const run = setup('start');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'setup: installing Debian packages: make (sudo -n)\n');
    assert.deepEqual(
      log().filter((line) => line !== 'sudo -n apt-get update -qq' && line !== 'apt-get update -qq'),
      ['sudo -n true', 'sudo -n apt-get install -y -qq make', 'apt-get install -y -qq make'],
    );
  });

  it('stops when apt-get did not install what it was asked for', () => {
    installed(testPackages.filter((p) => p !== 'git'));
    stub('apt-get', 'echo "apt-get $*" >> "$FAKE/log"');
    const run = setup('test', { uid: 0 });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^setup: apt-get ran, but these are still not installed: git\n$/);
    assert.ok(!log().includes('npm ci --no-audit --no-fund'));
  });

  it('runs npm ci when node_modules is missing', () => {
    rmSync(path.join(project, 'node_modules'), { recursive: true });
    const run = setup('test');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'setup: node_modules is missing: npm ci\n');
    assert.deepEqual(log(), ['npm ci --no-audit --no-fund']);
  });

  describe('without dpkg (not Debian)', () => {
    beforeEach(() => {
      rmSync(path.join(bin, 'dpkg-query'));
      for (const command of ['rg', 'krb5-config', 'g++', 'make', 'python3', 'git', 'chromium']) stub(command, 'exit 0');
    });

    it('says what is needed and goes on when the commands are there (a Chromium named by PLUMBLINE_CHROMIUM stands in)', () => {
      const run = setup('test', { env: { PLUMBLINE_CHROMIUM: path.join(bin, 'chromium') } });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.stdout,
        "setup: no dpkg here, so packages are not checked; npm test needs what Debian's ripgrep, libkrb5-dev, g++, make, python3, git, fonts-dejavu-core bring, and their commands are there\n",
      );
    });

    it('stops naming the missing commands', () => {
      rmSync(path.join(bin, 'rg'));
      const run = setup('test', { env: { PLUMBLINE_CHROMIUM: path.join(tmp, 'no-chromium') } });
      assert.equal(run.code, 1);
      assert.equal(
        run.stderr,
        [
          "npm test needs what Debian's packages ripgrep, libkrb5-dev, g++, make, python3, git, chromium, fonts-dejavu-core bring. There is no dpkg here to check them, and these are missing:",
          "  rg: VS Code's search binary (code-server's install would download it)",
          `  ${path.join(tmp, 'no-chromium')} (or set PLUMBLINE_CHROMIUM to a Chromium): headless browser for the webview tests and the VS Code workbench`,
          "Install them with your system's package manager, then run `npm test` again.",
          '',
        ].join('\n'),
      );
      assert.deepEqual(log(), []);
    });
  });
});
