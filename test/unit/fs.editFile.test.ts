import * as assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { editFile, readRegularFile } from '../../engine/fs';

/** editFile with work done while the new bytes are staged (the agent's guard runs there). */
describe('editFile with work while the write is staged', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-edit-'));
    file = path.join(dir, 'code.ts');
    writeFileSync(file, 'old\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts the new bytes in place only once the work is done, and leaves no temp file', async () => {
    let seen = '';
    const written = await editFile(file, () => 'new\n', {
      whileStaged: async (current) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = readFileSync(file, 'utf8');
        assert.equal(current?.toString(), 'old\n');
      },
    });
    assert.equal(written, true);
    assert.equal(seen, 'old\n', 'the file was not replaced while the work ran');
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
    assert.deepEqual(readdirSync(dir), ['code.ts']);
  });

  it('leaves the file as it was, and no temp file, when the work throws', async () => {
    await assert.rejects(
      editFile(file, () => 'new\n', {
        whileStaged: async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error('stopped');
        },
      }),
      /stopped/,
    );
    assert.equal(readFileSync(file, 'utf8'), 'old\n');
    assert.deepEqual(readdirSync(dir), ['code.ts']);
  });

  it('twenty edits at once, each adding a line while its work runs, lose none', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        editFile(file, (current) => `${current?.toString() ?? ''}line ${i}\n`, {
          whileStaged: () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5)),
        }),
      ),
    );
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 21);
    assert.deepEqual(lines.slice(1).sort(), Array.from({ length: 20 }, (_, i) => `line ${i}`).sort());
    assert.deepEqual(readdirSync(dir), ['code.ts']);
  });

  it('keeps the mode of the file it rewrites, and writes through a link to the file it points at', async () => {
    const script = path.join(dir, 'run.sh');
    writeFileSync(script, '#!/bin/sh\necho old\n');
    chmodSync(script, 0o754);
    symlinkSync(script, path.join(dir, 'link.sh'));
    await editFile(path.join(dir, 'link.sh'), (current) => current!.toString().replace('old', 'new'));
    assert.equal(readFileSync(script, 'utf8'), '#!/bin/sh\necho new\n');
    assert.equal(statSync(script).mode & 0o777, 0o754);
    assert.ok(lstatSync(path.join(dir, 'link.sh')).isSymbolicLink(), 'the link is still a link');
    assert.deepEqual(readdirSync(dir).sort(), ['code.ts', 'link.sh', 'run.sh']);
  });

  it('makes the folders of a new file inside the given root, and refuses a file whose real path is outside it', async () => {
    const root = path.join(dir, 'root');
    await editFile(path.join(root, 'a/b/new.ts'), () => 'made\n', { createFoldersWithin: dir });
    assert.equal(readFileSync(path.join(root, 'a/b/new.ts'), 'utf8'), 'made\n');
    const outside = mkdtempSync(path.join(os.tmpdir(), 'plumbline-outside-'));
    try {
      writeFileSync(path.join(outside, 'secret.ts'), 'secret\n');
      symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'leak.ts'));
      await assert.rejects(editFile(path.join(root, 'leak.ts'), () => 'changed\n', { createFoldersWithin: root }), /leads outside/);
      assert.equal(readFileSync(path.join(outside, 'secret.ts'), 'utf8'), 'secret\n');
      assert.deepEqual(readdirSync(outside), ['secret.ts']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads a file whose size says less than it holds (a file of /proc) to its end', async () => {
    const status = await readRegularFile('/proc/self/status');
    assert.equal(statSync('/proc/self/status').size, 0);
    assert.match(status.toString(), /^Name:[\s\S]*\nPid:\s+\d+/);
  });
});
