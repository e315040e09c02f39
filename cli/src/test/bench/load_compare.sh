#!/usr/bin/env bash
# Load time and peak memory: pixelgrad loading a weights file into its model vs torch.load of the same file
# (issue 3's benchmark; bench/ is another module's, so this lives with the command it measures).
#
#   cli/src/test/bench/load_compare.sh [WEIGHTS...]
#
# Default files: tests/fullsize/vgg16.{pth,safetensors} (make them with
# zoo-import/src/test/python/make_model_fixtures.py --fullsize). Needs the fat jar (./pixelgrad builds it) and
# Debian's /usr/bin/python3 with torch. Each side runs in its own process, one after the other, after the file was
# read once so both find it in the page cache. Memory is sampled from /proc every 20 ms: peak RSS, and its anonymous
# part (the process's own copies) and file-backed part (pages of the memory-mapped file, which the kernel can drop).
set -euo pipefail
ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
JAR="$ROOT/cli/target/pixelgrad.jar"
PY=/usr/bin/python3
[ -f "$JAR" ] || "$ROOT/pixelgrad" --version >/dev/null
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$ROOT/tests/fullsize/vgg16.pth" "$ROOT/tests/fullsize/vgg16_legacy.pth"
  "$ROOT/tests/fullsize/vgg16.safetensors")
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}" OMP_WAIT_POLICY=PASSIVE

# Runs a command, prints "seconds peak_rss_MB peak_anon_MB peak_file_MB".
measure() {
  local start end pid rss anon file peak=0 panon=0 pfile=0
  start=$(date +%s.%N)
  "$@" >/dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if read -r rss anon file < <(awk '/^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2} END{print r+0, a+0, f+0}' \
        "/proc/$pid/status" 2>/dev/null); then
      (( rss > peak )) && peak=$rss
      (( anon > panon )) && panon=$anon
      (( file > pfile )) && pfile=$file
    fi
    sleep 0.02
  done
  wait "$pid"
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $((peak / 1024)) $((panon / 1024)) $((pfile / 1024))"
}

java_opts=(-Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
  "-Dorg.bytedeco.javacpp.cachedir=${XDG_CACHE_HOME:-$HOME/.cache}/pixelgrad/javacpp")
major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
[ -n "$major" ] && [ "$major" -ge 24 ] && java_opts+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

printf '%-22s %-10s %8s %10s %10s %10s\n' file loader seconds peak_MB anon_MB file_MB
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "missing $f" >&2; exit 1; }
  cat "$f" >/dev/null # warm the page cache for both sides
  read -r s p a fi < <(measure java "${java_opts[@]}" -jar "$JAR" inspect --weights "$f" --load)
  printf '%-22s %-10s %8.2f %10s %10s %10s\n' "$(basename "$f")" pixelgrad "$s" "$p" "$a" "$fi"
  # torch.load is the reference for PyTorch's own formats; other formats get the pixelgrad row only.
  case "$f" in
    *.pth | *.pt)
      read -r s p a fi < <(measure "$PY" -c "import torch; sd = torch.load('$f', map_location='cpu')")
      printf '%-22s %-10s %8.2f %10s %10s %10s\n' "$(basename "$f")" torch.load "$s" "$p" "$a" "$fi" ;;
  esac
done
echo "(pixelgrad includes JVM and ND4J start-up and the architecture check; torch includes Python and torch import)"
