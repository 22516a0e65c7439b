#!/bin/sh
# A large pairs file: `safer init` (one pass that validates every record
# and writes the pairs index WS/pairs.bin) and `safer info` (which reads
# only the index: neither the pairs file nor its JSON), on P ordinary pairs
# (P = 300,000 by default: about 280 MB, generated under /tmp and removed
# afterwards) with 5 activation rows each. Peer, measured in the same run:
# Python reading the same file with json.loads per line.
# Targets: info under 100 ms and under 100 MB resident.
#   PAIRS_BENCH_PAIRS=P sh bench/pairs.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SAFER=${SAFER:-$PWD/tui/safer}
PY=${PYTHON3:-/usr/bin/python3}
P=${PAIRS_BENCH_PAIRS:-300000}
[ -x "$SAFER" ] || { echo "pairs.sh: no safer binary at $SAFER (run from the build directory)" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/safer-bench-pairs.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

t0=$(date +%s.%N)
"$PY" "$here/make_open_data.py" "$dir" $((5 * P)) 16 "$P"
"$PY" "$here/make_pairs_data.py" "$dir/pairs.jsonl" "$P"
t1=$(date +%s.%N)
size=$(stat -c %s "$dir/pairs.jsonl")
calc() { awk "BEGIN { printf \"%.4g\", $1 }"; }
echo "pairs: $P records, $size bytes (made with activations in $(calc "$t1 - $t0") s)"

m="$PY $here/measure.py"
set -- $($m 1 "$SAFER" init "$dir/ws" --pairs "$dir/pairs.jsonl" --acts "$dir/acts.safetensors")
init_s=$1 init_mb=$2
set -- $($m 5 "$SAFER" info "$dir/ws")
info_s=$1 info_mb=$2
set -- $($m 1 "$PY" "$here/peer_pairs.py" "$dir/pairs.jsonl")
peer_s=$1 peer_mb=$2

printf '%-48s %10s %12s\n' "" "wall s" "peak RSS MB"
printf '%-48s %10s %12s\n' "safer init (validates, indexes the pairs)" "$init_s" "$init_mb"
printf '%-48s %10s %12s\n' "safer info (reads the index)" "$info_s" "$info_mb"
printf '%-48s %10s %12s\n' "python json.loads per line" "$peer_s" "$peer_mb"
echo "ratios: init/python time $(calc "$init_s / $peer_s"), RSS $(calc "$init_mb / $peer_mb");" \
	"info/python time $(calc "$info_s / $peer_s"), RSS $(calc "$info_mb / $peer_mb")"
echo "index: $(stat -c %s "$dir/ws/pairs.bin") bytes (WS/pairs.bin)"
ok=$(calc "($info_s < 0.1 && $info_mb < 100) ? 1 : 0")
[ "$ok" = 1 ] && echo "target met: info < 100 ms and < 100 MB" || echo "TARGET MISSED: info < 100 ms and < 100 MB"
