#!/usr/bin/env bash
# A shell agent loop over the Plumbline hub (docs/hub-protocol.md). It takes the next ready
# task, lets $AGENT_CMD do it, reports every file that changed so the guard checks it, and
# marks the task done. Run it in the workspace (a git repository) while a hub serves it:
# VS Code with Plumbline, or `plumbline hub serve`.
#
#   AGENT_CMD='my-agent --task "$TASK_ID"' PLUMBLINE='node /path/to/dist/cli.js' ./agent-loop.sh
#
# AGENT_CMD runs in bash with TASK_FILE, TASK_ID and TASK_TITLE set, and edits files here.
# PLUMBLINE_AGENT_NAME names the agent (default "shell"). Exit 0: no task is ready any more;
# non-zero: the hub refused something or the guard found a problem (the reason is on stderr).
set -euo pipefail

: "${AGENT_CMD:?set AGENT_CMD to the command that does one task}"
# Split into words on purpose, so PLUMBLINE can be "node /path/to/dist/cli.js".
read -r -a plumbline <<< "${PLUMBLINE:-plumbline}"
# stdin from /dev/null: the CLI must not eat the file list the report loop reads.
hub() { "${plumbline[@]}" hub "$@" < /dev/null; }

# The files git would show: tracked and untracked, without ignored ones (NUL-separated).
files() { git ls-files -z --cached --others --exclude-standard; }

snap=''
trap 'rm -rf "$snap"' EXIT

while true; do
  # `task next` exits 1 when nothing is ready ({"task":null}) and when it fails (a message
  # on stderr). Only the first is a normal end.
  code=0
  next=$(hub task next --json) || code=$?
  if [ "$code" -ne 0 ]; then
    if [ "$next" = '{"task":null}' ]; then echo 'agent-loop: no task is ready'; exit 0; fi
    exit "$code"
  fi
  # No jq: node is there wherever plumbline runs. Titles are one line, so one field per line.
  { read -r TASK_FILE; read -r TASK_ID; read -r TASK_TITLE; } < <(node -e '
    const { task } = JSON.parse(process.argv[1]);
    console.log([task.file, task.id, task.title].join("\n"));' "$next")
  export TASK_FILE TASK_ID TASK_TITLE

  # Refused (exit 1, the loop ends) when a person stopped this agent, when it is quarantined,
  # or when another agent holds the task. The task's run starts here.
  hub task claim "$TASK_FILE" "$TASK_ID"

  # The guard needs each changed file's text from before the edit. Copy every file git sees
  # to a folder outside the workspace, and compare afterwards: no git stash (it would touch
  # the person's work), no trust in the agent to list what it changed. A copy and a cmp per
  # file is fine for a repository of ordinary size.
  snap=$(mktemp -d)
  while IFS= read -r -d '' f; do
    [ -f "$f" ] || continue # tracked but deleted: nothing to keep
    mkdir -p "$snap/$(dirname "$f")" && cp -p "$f" "$snap/$f"
  done < <(files)

  ok=true
  bash -c "$AGENT_CMD" || { echo "agent-loop: AGENT_CMD failed on $TASK_ID" >&2; ok=false; }

  # Report every changed or new file, also after a failed step: what was written gets checked.
  # Deleted files are not reported: the hub checks edits, a deletion has no text after it.
  while IFS= read -r -d '' f; do
    [ -f "$f" ] || continue
    if [ -f "$snap/$f" ]; then
      cmp -s "$f" "$snap/$f" && continue
      before=(--before "$snap/$f")
    else
      before=(--new)
    fi
    # Exit 1 on any finding. A dropped block of code also quarantines the agent in the hub.
    hub report-edit "$f" "${before[@]}" || { ok=false; break; }
  done < <(files)
  rm -rf "$snap"

  if ! $ok; then
    # Not done: blocked, or todo where the plan cannot say blocked (a checkbox). Either ends
    # the run. A quarantined agent is refused both; its run has already ended quarantined.
    hub task set-status "$TASK_FILE" "$TASK_ID" blocked 2>/dev/null ||
      hub task set-status "$TASK_FILE" "$TASK_ID" todo || true
    echo "agent-loop: $TASK_ID is not done; stopping" >&2
    exit 1
  fi
  # Done ends the task's run in VS Code.
  hub task set-status "$TASK_FILE" "$TASK_ID" done
done
