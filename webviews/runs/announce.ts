import type { RunRow } from '../../engine/protocol/missionControl';
import { runSubject, stateLabels } from './format';

/**
 * What the polite live region says when a new list of runs arrives: runs that started and runs
 * whose state changed. At most three, so a burst of changes stays one short sentence.
 */
export function announceChanges(before: readonly RunRow[], after: readonly RunRow[]): string {
  const previous = new Map(before.map((r) => [r.id, r.state]));
  const changes: string[] = [];
  for (const run of after) {
    const was = previous.get(run.id);
    if (was === run.state) continue;
    const who = `${runSubject(run)} (${run.agent})`;
    changes.push(was === undefined ? `New run ${who}: ${stateLabels[run.state]}.` : `Run ${who}: ${stateLabels[run.state]}.`);
  }
  if (changes.length <= 3) return changes.join(' ');
  return `${changes.slice(0, 3).join(' ')} And ${changes.length - 3} more changes.`;
}
