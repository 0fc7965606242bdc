#!/usr/bin/env bash
# The benchmarks: whole-process cases of the cmek binary side by side (the documented AWS path vs
# `cmek setup` on the same fresh sandbox, with and without 200 ms per call, the re-run, doctor,
# Azure and Google Cloud setup, `policy check`/`simulate` at 1, 10, 100 statements and 32 KB,
# `--version`, the wizard's first frame, status at the platform's limits, peak memory), as a table
# with ratios and as JSON under $CARGO_TARGET_DIR/bench (default target/bench). They report and
# never assert on time: the exit status is non-zero only when a case fails.
#
#   scripts/bench.sh            release build (or the existing one), 5 runs per case
#   scripts/bench.sh --quick    1 run, fewer cases (what CI runs, on the debug binary)
#   --runs N                    runs per case (the median is reported)
#   --debug                     measure the debug build instead (says so in the table)
#   --binary PATH               measure this binary, build nothing
#   --core                      also the in-process criterion benches of cmek-core
#                               (cargo bench -p cmek-core), gathered into bench/core.json
set -euo pipefail
cd "$(dirname "$0")/.."

quick=() runs=5 profile=release binary="" core=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=(--quick) ;;
    --runs) runs="$2"; shift ;;
    --debug) profile=debug ;;
    --binary) binary="$2"; profile="${profile/release/given}"; shift ;;
    --core) core=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

target="${CARGO_TARGET_DIR:-target}"
out="$target/bench"
if [ -z "$binary" ]; then
  if [ "$profile" = release ]; then
    echo "bench.sh: building the release binary (about 11 minutes from clean on 2 cores; reused after)" >&2
    cargo build --release --locked --bin cmek
  else
    cargo build --locked --bin cmek
  fi
  binary="$target/$profile/cmek"
fi

python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python
aws=()
if [ -x .venv/bin/aws ]; then aws=(--aws "$PWD/.venv/bin/aws"); elif command -v aws >/dev/null; then aws=(--aws "$(command -v aws)"); fi

mkdir -p "$out"
status=0
"$python" benches/whole_process/main.py --binary "$binary" --profile "$profile" --runs "$runs" \
  --out "$out" "${quick[@]}" "${aws[@]}" || status=$?

if [ "$core" = 1 ]; then
  echo
  cargo bench --locked -p cmek-core --bench core -- --warm-up-time 1 --measurement-time 3 >"$out/core.log" 2>&1 \
    || { echo "bench.sh: cargo bench failed; see $out/core.log" >&2; exit 1; }
  "$python" benches/whole_process/criterion_json.py "$target/criterion" "$out/core.json"
fi
exit "$status"
