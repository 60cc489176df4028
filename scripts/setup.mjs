// The set-up `npm start` and `npm test` run first: node scripts/setup.mjs start|test
//   1. the Debian packages that command needs: installed with apt-get as root or with passwordless
//      `sudo -n`, otherwise it stops with the line to run;
//      without dpkg (not Debian): the commands those packages bring must be there;
//   2. `npm ci` when node_modules is missing or older than package-lock.json.
// The build, the tests and the server come after it, in package.json's scripts.
// Plain Node without dependencies, since it runs before node_modules exists; quick and silent
// when everything is there.
//
// For the tests (test/unit/setup.test.ts), everything it runs is found on PATH (dpkg-query,
// apt-get, sudo, npm), and PLUMBLINE_SETUP_UID stands in for the user id.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What each command needs. `start` installs code-server (VS Code's server) on first use, whose
 * native modules are built there; `test` does that too and drives the workbench and the webviews
 * in a browser. `command` is what shows the package on a system without dpkg.
 */
const packages = [
  { name: 'ripgrep', for: 'start', command: 'rg', why: "VS Code's search binary (code-server's install would download it)" },
  { name: 'libkrb5-dev', for: 'start', command: 'krb5-config', why: "headers of the kerberos native module in VS Code's server" },
  { name: 'g++', for: 'start', command: 'g++', why: "builds VS Code's native modules (node-gyp)" },
  { name: 'make', for: 'start', command: 'make', why: "builds VS Code's native modules (node-gyp)" },
  { name: 'python3', for: 'start', command: 'python3', why: "builds VS Code's native modules (node-gyp)" },
  { name: 'git', for: 'start', command: 'git', why: "the demo workspace's repository and the guard's baselines" },
  { name: 'chromium', for: 'test', command: 'chromium', why: 'headless browser for the webview tests and the VS Code workbench' },
  { name: 'fonts-dejavu-core', for: 'test', command: undefined, why: 'readable text in screenshots' },
];

const say = (line) => console.log(`setup: ${line}`);

/** Stops `npm <mode>` with a message on stderr; the build and the tests after it do not run. */
function stop(lines) {
  console.error(lines.join('\n'));
  process.exit(1);
}

/** The file a command name runs, searched on PATH as a shell would; undefined when there is none. */
function which(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** test/chromium.ts launches PLUMBLINE_CHROMIUM when it is set, else /usr/bin/chromium. */
function chromiumPath() {
  return process.env.PLUMBLINE_CHROMIUM || '/usr/bin/chromium';
}

function exists(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The packages of `names` that dpkg does not have installed (one dpkg-query for all of them). */
function notInstalled(names) {
  const result = spawnSync('dpkg-query', ['-W', '--showformat=${Package}\\t${Status}\\n', ...names], { encoding: 'utf8' });
  if (result.error) throw result.error;
  const installed = new Set();
  for (const line of (result.stdout ?? '').split('\n')) {
    // "install ok installed", "hold ok installed"; a removed package says "deinstall ok config-files".
    const [name, status = ''] = line.split('\t');
    if (status.split(' ')[2] === 'installed') installed.add(name.replace(/:.*/, ''));
  }
  return names.filter((name) => !installed.has(name));
}

/** apt-get cannot find any package before its first `apt-get update` (a fresh container has no lists). */
function aptListsEmpty() {
  try {
    return !readdirSync('/var/lib/apt/lists').some((file) => file.endsWith('_Packages') || file.includes('_Packages.'));
  } catch {
    return true;
  }
}

function uid() {
  const fake = process.env.PLUMBLINE_SETUP_UID;
  return fake !== undefined && fake !== '' ? Number(fake) : process.getuid?.();
}

/** Installs `missing` as root or with passwordless sudo; otherwise stops with the line to run. */
function installPackages(mode, missing) {
  const install = ['apt-get', 'install', '-y', ...missing].join(' ');
  let prefix;
  if (uid() === 0) prefix = [];
  else if (which('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) prefix = ['sudo', '-n'];
  else {
    const width = Math.max(...missing.map((name) => name.length));
    stop([
      `npm ${mode} needs Debian packages that are not installed:`,
      ...missing.map((name) => `  ${name.padEnd(width)}  ${packages.find((p) => p.name === name).why}`),
      `Installing them needs root, and sudo ${which('sudo') ? 'asks for a password' : 'is not installed'}. Run this, then \`npm ${mode}\` again:`,
      '',
      which('sudo') ? `  sudo ${install}` : `  su -c '${install}'`,
    ]);
  }
  say(`installing Debian packages: ${missing.join(' ')}${prefix.length ? ' (sudo -n)' : ''}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args) => {
    const command = [...prefix, 'apt-get', ...args];
    return spawnSync(command[0], command.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0;
  };
  let updated = false;
  const update = () => {
    updated = true;
    if (!apt('update', '-qq')) stop(['setup: `apt-get update` failed (see above)']);
  };
  if (aptListsEmpty()) update();
  // A list older than the archive names package versions that are gone: update once and try again.
  if (!apt('install', '-y', '-qq', ...missing)) {
    if (updated) stop([`setup: \`${install}\` failed (see above)`]);
    update();
    if (!apt('install', '-y', '-qq', ...missing)) stop([`setup: \`${install}\` failed (see above)`]);
  }
  const still = notInstalled(missing);
  if (still.length) stop([`setup: apt-get ran, but these are still not installed: ${still.join(' ')}`]);
}

/** Without dpkg: says what is needed, goes on when the commands are there, else stops. */
function checkCommands(mode, needed) {
  const lacking = needed.filter((p) => p.command && !(p.name === 'chromium' ? exists(chromiumPath()) : which(p.command)));
  const names = needed.map((p) => p.name).join(', ');
  if (!lacking.length) {
    say(`no dpkg here, so packages are not checked; npm ${mode} needs what Debian's ${names} bring, and their commands are there`);
    return;
  }
  stop([
    `npm ${mode} needs what Debian's packages ${names} bring. There is no dpkg here to check them, and these are missing:`,
    ...lacking.map((p) => `  ${p.name === 'chromium' ? `${chromiumPath()} (or set PLUMBLINE_CHROMIUM to a Chromium)` : p.command}: ${p.why}`),
    `Install them with your system's package manager, then run \`npm ${mode}\` again.`,
  ]);
}

/** Why `npm ci` must run, or undefined when node_modules is as new as package-lock.json. */
function staleModules() {
  let installed;
  try {
    installed = statSync(path.join(root, 'node_modules/.package-lock.json')).mtimeMs;
  } catch {
    return 'node_modules is missing';
  }
  return installed < statSync(path.join(root, 'package-lock.json')).mtimeMs ? 'node_modules is older than package-lock.json' : undefined;
}

function main() {
  const mode = process.argv[2];
  if (mode !== 'start' && mode !== 'test') {
    console.error('usage: node scripts/setup.mjs start|test');
    process.exit(2);
  }
  // A Chromium named by PLUMBLINE_CHROMIUM stands in for Debian's.
  const needed = packages.filter(
    (p) => (mode === 'test' || p.for === 'start') && !(p.name === 'chromium' && process.env.PLUMBLINE_CHROMIUM && exists(chromiumPath())),
  );
  if (which('dpkg-query')) {
    const missing = notInstalled(needed.map((p) => p.name));
    if (missing.length) installPackages(mode, missing);
  } else {
    checkCommands(mode, needed);
  }

  const stale = staleModules();
  if (stale) {
    say(`${stale}: npm ci`);
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (ci.status !== 0) stop([`setup: npm ci failed (exit ${ci.status ?? ci.signal})`]);
  }
}

main();
