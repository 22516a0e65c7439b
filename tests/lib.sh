# Shared helpers for shell tests (TAP). Source it: . "$srcdir/tests/lib.sh"
#   ok COND_EXIT_STATUS "name"     (use: cmd; ok $? "name")
#   expect_fail CODE "pattern" "name" -- cmd args...   (exit code and stderr)
#   expect_usage "pattern" "name" -- cmd args...       (a usage error, exit 2)
#   done_testing
set -u
: "${SAFER:=$PWD/tui/safer}"
: "${srcdir:=.}"
tap_n=0
tap_failed=0
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/safer-test.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT

ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

diag() { printf '# %s\n' "$*"; }

# expect_fail CODE PATTERN NAME -- CMD...: CMD exits with CODE, and its
# stderr is one line matching the extended regex PATTERN.
expect_fail() {
	local code=$1 pat=$2 name=$3
	shift 4
	local err rc
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$code" ] && printf '%s\n' "$err" | grep -Eq -- "$pat" &&
		[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then
		ok 0 "$name"
	else
		ok 1 "$name"
		diag "exit $rc (want $code); stderr: $err"
	fi
}

# expect_usage PATTERN NAME -- CMD...: CMD is refused as a usage error
# (exit 2), its first stderr line matching PATTERN, then the pointer to
# --help.
expect_usage() {
	local pat=$1 name=$2
	shift 3
	local err rc
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 2 ] && printf '%s\n' "$err" | head -1 | grep -Eq -- "$pat" &&
		printf '%s\n' "$err" | sed -n 2p | grep -q -- "--help"; then
		ok 0 "$name"
	else
		ok 1 "$name"
		diag "exit $rc (want 2); stderr: $err"
	fi
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# run_capped KB CMD...: run CMD with its memory capped, so that an attempt to
# allocate what a hostile file claims fails visibly: under `ulimit -v KB`, or,
# in an ASan build (whose shadow memory is a huge reservation that ulimit -v
# refuses), with the allocator capped at 1 GB per call instead.
run_capped() {
	local kb=$1
	shift
	if ldd "$SAFER" 2>/dev/null | grep -q libasan; then
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1:max_allocation_size_mb=1024" \
			"$@"
	else
		(ulimit -v "$kb" && exec "$@")
	fi
}
