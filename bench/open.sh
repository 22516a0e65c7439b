#!/bin/sh
# Opening a large activation file: `safer init` (which reads every value
# once to refuse NaN/inf) and `safer info` (which only maps the file), on
# N rows x 2048 F16 (N = 1,000,000 by default: 4 GB, generated under
# /tmp and removed afterwards; smaller when the disk has no room). Peers,
# measured in the same run: Python loading the file as
# safetensors.numpy.load_file does (read it whole), and with np.memmap.
# Targets: info well under 1 s and under 100 MB resident, whatever N.
#   OPEN_BENCH_ROWS=N OPEN_BENCH_DIM=D sh bench/open.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SAFER=${SAFER:-$PWD/tui/safer}
PY=${PYTHON3:-/usr/bin/python3}
N=${OPEN_BENCH_ROWS:-1000000}
D=${OPEN_BENCH_DIM:-2048}
[ -x "$SAFER" ] || { echo "open.sh: no safer binary at $SAFER (run from the build directory)" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/safer-bench-open.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

# Room: the file is N * (2D + 20) bytes; keep 1 GB spare on the disk.
row_bytes=$((2 * D + 20))
avail=$(df -P -k "$dir" | awk 'NR == 2 { print $4 }')
fit=$(( (avail - 1048576) * 1024 / row_bytes ))
if [ "$fit" -lt "$N" ]; then
	echo "open.sh: only room for $fit rows on $(df -P "$dir" | awk 'NR==2{print $6}'); using that instead of $N"
	N=$fit
fi
[ "$N" -gt 1000 ] || { echo "open.sh: no room for a meaningful file" >&2; exit 1; }

t0=$(date +%s.%N)
"$PY" "$here/make_open_data.py" "$dir" "$N" "$D"
t1=$(date +%s.%N)
size=$(stat -c %s "$dir/acts.safetensors")
calc() { awk "BEGIN { printf \"%.4g\", $1 }"; }
echo "acts: $N rows x $D F16, $size bytes (made in $(calc "$t1 - $t0") s)"

m="$PY $here/measure.py"
set -- $($m 1 "$SAFER" init "$dir/ws" --pairs "$dir/pairs.jsonl" --acts "$dir/acts.safetensors")
init_s=$1 init_mb=$2
set -- $($m 5 "$SAFER" info "$dir/ws")
info_s=$1 info_mb=$2
set -- $($m 3 "$PY" "$here/peer_open.py" mmap "$dir/acts.safetensors")
mmap_s=$1 mmap_mb=$2
set -- $($m 1 "$PY" "$here/peer_open.py" load "$dir/acts.safetensors")
load_s=$1 load_mb=$2

printf '%-44s %10s %12s\n' "" "wall s" "peak RSS MB"
printf '%-44s %10s %12s\n' "safer init (validates, scans every value)" "$init_s" "$init_mb"
printf '%-44s %10s %12s\n' "safer info (open: map + check index)" "$info_s" "$info_mb"
printf '%-44s %10s %12s\n' "python read-whole (safetensors.numpy style)" "$load_s" "$load_mb"
printf '%-44s %10s %12s\n' "python np.memmap" "$mmap_s" "$mmap_mb"
echo "ratios: info/read-whole time $(calc "$info_s / $load_s"), RSS $(calc "$info_mb / $load_mb");" \
	"info/memmap time $(calc "$info_s / $mmap_s"), RSS $(calc "$info_mb / $mmap_mb")"
echo "init reads the activations at $(calc "$size / $init_s / 1e9") GB/s (the file may be in the page cache after generation)"
ok=$(calc "($info_s < 1 && $info_mb < 100) ? 1 : 0")
[ "$ok" = 1 ] && echo "target met: info < 1 s and < 100 MB" || echo "TARGET MISSED: info < 1 s and < 100 MB"
