#!/usr/bin/env bash
# Kill test of the output writer (docs/output.md): runs `meridian compile` of a large blueprint and
# kills it with SIGKILL at a random moment, KILLS times, alternating between two versions of the
# blueprint. After every kill, Output/<blueprint> must be exactly the complete old or the complete
# new tree (compared file by file with reference trees), with the user's own file, symbolic link,
# FIFO and empty folder in it untouched; every few kills a normal compile must succeed and leave no
# staging/previous/removed directory and no lock file behind.
#
# Usage: scripts/kill-test.sh [KILLS]      (default 50)
# Environment: MERIDIAN_BIN (default: build and use .build/debug/meridian),
#              KILL_TEST_SERVICES / KILL_TEST_REGIONS (default 300 x 4),
#              KILL_TEST_CHECK_EVERY (normal compile + litter check every N kills, default 5).
set -euo pipefail
cd "$(dirname "$0")/.."

kills=${1:-${KILL_TEST_KILLS:-50}}
services=${KILL_TEST_SERVICES:-300}
regions=${KILL_TEST_REGIONS:-4}
check_every=${KILL_TEST_CHECK_EVERY:-5}
if [[ -z "${MERIDIAN_BIN:-}" ]]; then
  swift build --product meridian >/dev/null
  MERIDIAN_BIN=.build/debug/meridian
fi
bin=$(realpath "$MERIDIAN_BIN")

work=$(mktemp -d "${TMPDIR:-/tmp}/meridian-kill-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/old" "$work/new"
python3 benchmarks/make-blueprint.py "$services" "$regions" > "$work/old/bench.yaml"
# The new version changes the replica arithmetic of every other service: half the manifests change
# (written anew), half do not (hard-linked from the old tree), so both paths are killed.
python3 - "$work/old/bench.yaml" "$work/new/bench.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
out, service = [], -1
for line in text.splitlines():
    if re.match(r"  svc-\d+:$", line):
        service += 1
    if line.strip() == "perReplica: 150" and service % 2 == 0:
        line = line.replace("150", "120")
    out.append(line)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY

# A normal compile; its notes (the leftovers it cleaned up) are shown only when it fails.
compile() {
  "$bin" compile "$work/$1/bench.yaml" -o "$2" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
}
compile old "$work/ref-old"
compile new "$work/ref-new"

# Compares a tree with the references; prints "old" or "new", or explains what is wrong.
cat > "$work/verify.py" <<'PY'
import hashlib, json, os, stat, sys

def listing(root, user):
    entries = {}
    for directory, folders, files in os.walk(root):
        for name in folders + files:
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, root)
            mode = os.lstat(path).st_mode
            if stat.S_ISDIR(mode):
                if name in folders and not os.listdir(path):
                    entries[relative] = "empty folder"
                continue
            if stat.S_ISLNK(mode):
                entries[relative] = "link -> " + os.readlink(path)
            elif stat.S_ISFIFO(mode):
                entries[relative] = "fifo"
            else:
                entries[relative] = hashlib.sha1(open(path, "rb").read()).hexdigest()
    return entries

command, *args = sys.argv[1:]
if command == "reference":
    json.dump(listing(args[0], None), open(args[1], "w"))
    sys.exit(0)
tree, old, new, user = args
if not os.path.isdir(tree) or os.path.islink(tree):
    print(f"{tree} is missing or not a directory")
    sys.exit(1)
entries = listing(tree, None)
expected_user = json.load(open(user))
for path, kind in expected_user.items():
    if entries.pop(path, None) != kind:
        print(f"the user's {path} ({kind}) is gone or changed")
        sys.exit(1)
for name, reference in (("old", old), ("new", new)):
    if entries == json.load(open(reference)):
        print(name)
        sys.exit(0)
ref_old, ref_new = json.load(open(old)), json.load(open(new))
mixed = sum(1 for p, h in entries.items() if ref_old.get(p) != h and ref_new.get(p) != h)
print(f"neither tree: {len(entries)} entries, {mixed} match neither reference "
      f"(old has {len(ref_old)}, new has {len(ref_new)})")
sys.exit(1)
PY
python3 "$work/verify.py" reference "$work/ref-old/bench" "$work/old.json"
python3 "$work/verify.py" reference "$work/ref-new/bench" "$work/new.json"

out="$work/out"
compile old "$out"
target="$out/bench"
printf 'my notes\n' > "$target/NOTES.md"
printf 'region notes\n' > "$target/clusters/$(ls "$target/clusters" | head -1)/notes.txt"
ln -s clusters "$target/latest"
mkfifo "$target/pipe"
mkdir "$target/scratch"
python3 - "$target" "$work/user.json" <<'PY'
import hashlib, json, os, sys
root = sys.argv[1]
region = sorted(os.listdir(os.path.join(root, "clusters")))[0]
json.dump({"NOTES.md": hashlib.sha1(b"my notes\n").hexdigest(),
           f"clusters/{region}/notes.txt": hashlib.sha1(b"region notes\n").hexdigest(),
           "latest": "link -> clusters", "pipe": "fifo", "scratch": "empty folder"}, open(sys.argv[2], "w"))
PY

# When a replacing compile starts writing (its staging directory appears), when it swaps the trees
# (Output/bench becomes another inode) and when it ends, here. A third of the kills land uniformly
# over the whole run (0-110 %), a third over the writing phase, a third from just before the swap
# to the end: otherwise most kills would hit generation, which touches no file.
read -r write_ms swap_ms end_ms < <(python3 - "$bin" "$work/new/bench.yaml" "$out" <<'PY'
import os, subprocess, sys, time
target = os.path.join(sys.argv[3], "bench")
inode = os.stat(target).st_ino
start = time.monotonic()
process = subprocess.Popen([sys.argv[1], "compile", sys.argv[2], "-o", sys.argv[3]],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
writing = swapped = None
while process.poll() is None:
    now = time.monotonic()
    if writing is None and any(".staging-" in name for name in os.listdir(sys.argv[3])):
        writing = now
    if swapped is None and os.stat(target).st_ino != inode:
        swapped = now
    time.sleep(0.001)
end = time.monotonic()
ms = lambda t: int(((t or end) - start) * 1000)
print(ms(writing), ms(swapped), ms(end))
PY
)
compile old "$out"
echo "kill test: $kills kills of a compile of $services services x $regions regions ($(find "$work/ref-old/bench" -type f | wc -l) files); it writes from ${write_ms} ms, swaps at ${swap_ms} ms, ends at ${end_ms} ms"

current=old
declare -A outcomes=([old]=0 [new]=0)
scratch_seen=0
trace=""
for i in $(seq 1 "$kills"); do
  next=$([[ $current == old ]] && echo new || echo old)
  "$bin" compile "$work/$next/bench.yaml" -o "$out" >/dev/null 2>&1 &
  pid=$!
  random=$(( RANDOM * 32768 + RANDOM ))
  case $(( i % 3 )) in
    0) delay_ms=$(( random % (end_ms * 11 / 10 + 1) )) ;;
    1) delay_ms=$(( write_ms + random % (end_ms - write_ms + 1) )) ;;
    2) from=$(( swap_ms > 50 ? swap_ms - 50 : 0 )); delay_ms=$(( from + random % (end_ms - from + 1) )) ;;
  esac
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if ! state=$(python3 "$work/verify.py" check "$target" "$work/old.json" "$work/new.json" "$work/user.json"); then
    echo "FAIL after kill $i at ${delay_ms} ms (compiling $next over $current): $state" >&2
    ls -la "$out" >&2
    exit 1
  fi
  if [[ $state != "$current" && $state != "$next" ]]; then
    echo "FAIL after kill $i: the tree is '$state', neither the previous ($current) nor the compiled ($next)" >&2
    exit 1
  fi
  outcomes[$state]=$(( ${outcomes[$state]} + 1 ))
  # One letter per kill: the tree it left, upper case when it was the version being compiled.
  letter=${state:0:1}; [[ $state == "$next" ]] && letter=${letter^^}; trace+=$letter
  current=$state
  if compgen -G "$out/.bench.*" >/dev/null; then scratch_seen=$((scratch_seen + 1)); fi

  if (( i % check_every == 0 || i == kills )); then
    next=$([[ $current == old ]] && echo new || echo old)
    compile "$next" "$out"
    state=$(python3 "$work/verify.py" check "$target" "$work/old.json" "$work/new.json" "$work/user.json") || {
      echo "FAIL: a normal compile after kill $i left: $state" >&2; exit 1; }
    if [[ $state != "$next" ]]; then echo "FAIL: a normal compile of $next left the $state tree" >&2; exit 1; fi
    current=$state
    leftovers=$(cd "$out" && find . -mindepth 1 -maxdepth 1 ! -name bench)
    if [[ -n $leftovers ]]; then
      echo "FAIL: a normal compile after kill $i left litter behind:" $leftovers >&2
      exit 1
    fi
  fi
done
echo "trace (o/n: tree left after each kill; upper case: the version being compiled had been swapped in): $trace"
echo "kill test passed: after $kills kills the output was the old tree ${outcomes[old]} times, the new tree ${outcomes[new]} times, always with the user's entries; $scratch_seen kills left a staging or old tree beside it, which the next compile removed"
