#!/usr/bin/env bash
# Runs the corpus over N shards on a Slurm cluster, then merges them:
#   scripts/slurm/submit-corpus.sh CORPUS MODEL OUT N [npm start options...]
# submits corpus.sbatch as a job array of N tasks (shard K writes OUT/shard-K) and merge.sbatch to
# start when all of them succeeded (a failed shard cancels it), and prints both job ids. OUT then
# holds the merged result, as one run over the whole corpus writes it; logs go to OUT/logs/.
# Works from any folder; relative paths are taken from the current one. OUT must be on a file system
# every node sees. sbatch's own environment variables (SBATCH_PARTITION, SBATCH_TIMELIMIT,
# SBATCH_ACCOUNT, ...) apply to both jobs; SHARD_OPTIONS adds sbatch options for the shards only,
# e.g. SHARD_OPTIONS="--cpus-per-task=4 --mem=8G".
set -euo pipefail

fail() { echo "error: $*" >&2; exit 1; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

[ $# -ge 4 ] || fail "usage: scripts/slurm/submit-corpus.sh CORPUS MODEL OUT N [npm start options...]"
CORPUS="$(absolute "$1")"
MODEL="$2"
[ -e "$MODEL" ] && MODEL="$(absolute "$MODEL")" # a model given as a relative path
OUT="$(absolute "$3")"
N="$4"
shift 4
[[ "$N" =~ ^[1-9][0-9]*$ ]] || fail "N (the number of shards) must be a whole number from 1, got '$N'"
[ -e "$CORPUS" ] || fail "corpus $CORPUS does not exist: pass a .jsonl file or a folder of .txt files"
command -v sbatch >/dev/null || fail "sbatch not found: run this where Slurm's commands are installed (a login node of the cluster)"

mkdir -p "$OUT/logs"
submit() { sbatch --parsable "$@" | cut -d';' -f1; } # --parsable prints "id" or "id;cluster"
# shellcheck disable=SC2086 # SHARD_OPTIONS holds several options
shards="$(submit --array="0-$((N - 1))" --output="$OUT/logs/shard-%a.log" --export="ALL,WORKBOOK_ROOT=$ROOT,SHARDS=$N" \
  ${SHARD_OPTIONS:-} "$HERE/corpus.sbatch" "$CORPUS" "$MODEL" "$OUT" "$@")" ||
  fail "sbatch did not take the shards (its reason is above); nothing was submitted"
merge="$(submit --dependency="afterok:$shards" --kill-on-invalid-dep=yes --output="$OUT/logs/merge.log" --export="ALL,WORKBOOK_ROOT=$ROOT" \
  "$HERE/merge.sbatch" "$OUT" "$N")" ||
  fail "sbatch did not take the merge (its reason is above); the shards run as job $shards: merge them with WORKBOOK_ROOT=$ROOT sbatch --dependency=afterok:$shards $HERE/merge.sbatch $OUT $N, or scancel $shards"

echo "shards: job $shards, array 0-$((N - 1)), into $OUT/shard-K (logs $OUT/logs/shard-K.log)"
echo "merge:  job $merge, when every shard has succeeded, into $OUT (log $OUT/logs/merge.log)"
echo "follow with: squeue -j $shards,$merge"
