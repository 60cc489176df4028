import * as assert from 'node:assert/strict';
import { commandNeedsApproval } from '../../engine/agent/approvals';

/** SPEC §4: commands run without asking only when exactly allow-listed, and never when they can mean more. */
describe('command approval', () => {
  const allow = ['npm test', 'git status', 'ls -la', 'echo hi > out.txt', 'echo $(whoami)', 'find . -name x -exec rm {} ;', 'npm test && rm -rf /', 'bash -c ls', 'node -e 1', 'git -c core.pager=sh log', 'xargs rm', 'npx something', 'npm exec foo', 'env FOO=1 npm test', 'cat `x`', 'echo $HOME'];

  it('runs an exactly allow-listed plain command', () => {
    for (const command of ['npm test', 'git status', 'ls -la', '  npm test  ']) assert.equal(commandNeedsApproval(command, allow), undefined, command);
  });

  it('asks for anything not on the list, even a prefix or a variant of a listed one', () => {
    for (const command of ['npm test -- --watch', 'npm  test', 'git status; rm x', 'rm -rf /']) assert.match(commandNeedsApproval(command, allow) ?? '', /not on the allow list/, command);
  });

  it('never auto-approves redirections, substitutions, chains, variables or exec flags, even when listed', () => {
    const cases: [string, RegExp][] = [
      ['echo hi > out.txt', /redirects/],
      ['echo $(whoami)', /substitution/],
      ['cat `x`', /substitution/],
      ['npm test && rm -rf /', /chains/],
      ['find . -name x -exec rm {} ;', /chains|run other programs/],
      ['bash -c ls', /run other programs/],
      ['node -e 1', /run other programs/],
      ['git -c core.pager=sh log', /run other programs/],
      ['xargs rm', /runs the command it is given/],
      ['npx something', /runs the command it is given/],
      ['npm exec foo', /arbitrary packages/],
      ['env FOO=1 npm test', /runs the command it is given/],
      ['echo $HOME', /expands variables/],
    ];
    for (const [command, reason] of cases) assert.match(commandNeedsApproval(command, allow) ?? 'approved!', reason, command);
  });
});
