#!/usr/bin/env bash
# Runs the OpenCCC SIP edge (kamailio.cfg next to this script) in the foreground for tests
# and trials, without root: every file it writes lives in one working directory.
#
#   run-local.sh -n 127.0.0.1:5070 [-n host:port ...] [-t 127.0.0.2 ...] [-p 5060] [-l 127.0.0.1]
#                [-i ping-seconds] [-w workdir] [-- extra kamailio arguments]
#
#   -l ADDR   address to listen on (EDGE_LISTEN, default 127.0.0.1)
#   -p PORT   UDP and TCP port (EDGE_PORT, default 5060)
#   -n NODE   an OpenCCC node as host:port; repeat for several (EDGE_NODES, comma-separated)
#   -t SRC    a trusted carrier as ip or ip/bits; repeat for several (EDGE_TRUSTED, comma-separated)
#   -i SECS   seconds between OPTIONS probes of the nodes (EDGE_PING_INTERVAL, default 1)
#   EDGE_SHM_MB  Kamailio's shared memory in MB (default 256: 64 runs out near 400 calls/s)
#   -w DIR    working directory for config, lists, pid file and control socket
#             (EDGE_WORKDIR; default: a new temporary directory, removed on exit)
#   --        everything after it goes to kamailio, e.g. -- -A WITH_RTPENGINE
#
# Nodes start out inactive and are used once they answer a probe; the edge then logs
# "OpenCCC node up: sip:host:port". The control socket is <workdir>/kamailio_ctl, for
# `kamcmd -s unix:<workdir>/kamailio_ctl dispatcher.list`. SIGTERM or SIGINT stops Kamailio
# and, for a temporary directory, removes it.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kamailio_bin=${KAMAILIO:-kamailio}

listen=${EDGE_LISTEN:-127.0.0.1}
port=${EDGE_PORT:-5060}
ping_interval=${EDGE_PING_INTERVAL:-1}
shm_mb=${EDGE_SHM_MB:-256}
workdir=${EDGE_WORKDIR:-}
nodes=()
trusted=()
[[ -n ${EDGE_NODES:-} ]] && IFS=, read -r -a nodes <<<"$EDGE_NODES"
[[ -n ${EDGE_TRUSTED:-} ]] && IFS=, read -r -a trusted <<<"$EDGE_TRUSTED"

usage() {
  sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while getopts ':l:p:n:t:i:w:h' opt; do
  case $opt in
    l) listen=$OPTARG ;;
    p) port=$OPTARG ;;
    n) nodes+=("$OPTARG") ;;
    t) trusted+=("$OPTARG") ;;
    i) ping_interval=$OPTARG ;;
    w) workdir=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift

fail() {
  echo "run-local.sh: $*" >&2
  exit 2
}

[[ $port =~ ^[0-9]+$ ]] || fail "port must be a number, got '$port'"
[[ $ping_interval =~ ^[1-9][0-9]*$ ]] || fail "ping interval must be whole seconds, got '$ping_interval'"
((${#nodes[@]} > 0)) || fail "name at least one OpenCCC node with -n host:port (or EDGE_NODES)"

# Nodes start inactive (flag 1) so that no call goes to one before it answered a probe.
node_pattern='^[][A-Za-z0-9._:-]+:[0-9]+$'
dispatcher_list=
for node in "${nodes[@]}"; do
  [[ $node =~ $node_pattern ]] || fail "node must be host:port, got '$node'"
  dispatcher_list+=$(printf '1 sip:%s 1 0 duid=%s' "$node" "$node")$'\n'
done

# Trusted carriers: permissions group 1, "<group> <ip> <mask bits> <port, 0 = any> <tag>".
address_pattern='^[0-9a-fA-F.:]+$'
address_list=
for source in "${trusted[@]}"; do
  ip=${source%%/*}
  bits=32
  [[ $ip == *:* ]] && bits=128
  [[ $source == */* ]] && bits=${source##*/}
  [[ $ip =~ $address_pattern && $bits =~ ^[0-9]+$ ]] || fail "trusted source must be ip or ip/bits, got '$source'"
  address_list+="1 $ip $bits 0 trusted"$'\n'
done

kamailio_pid=
owns_workdir=0
stopping=0
stop() {
  stopping=1
  if [[ -n $kamailio_pid ]]; then kill -TERM "$kamailio_pid" 2>/dev/null || true; fi
}
cleanup() {
  if [[ -n $kamailio_pid ]]; then
    kill -TERM "$kamailio_pid" 2>/dev/null || true
    wait "$kamailio_pid" 2>/dev/null || true
  fi
  if ((owns_workdir)); then rm -rf "$workdir"; fi
}
trap stop TERM INT HUP
trap cleanup EXIT

if [[ -z $workdir ]]; then
  workdir=$(mktemp -d "${TMPDIR:-/tmp}/openccc-edge.XXXXXX")
  owns_workdir=1
fi
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
# A Unix socket path is limited to 107 bytes.
((${#workdir} < 90)) || fail "working directory path too long for a control socket: $workdir"

printf '%s' "$dispatcher_list" >"$workdir/dispatcher.list"
printf '%s' "$address_list" >"$workdir/address.list"
cp "$script_dir/kamailio.cfg" "$workdir/kamailio.cfg"
cat >"$workdir/kamailio-local.cfg" <<EOF
#!substdef "!EDGE_IP!$listen!g"
#!substdef "!EDGE_PORT!$port!g"
#!substdef "!NODE_LIST_FILE!$workdir/dispatcher.list!g"
#!substdef "!TRUSTED_LIST_FILE!$workdir/address.list!g"
#!substdef "!CTL_SOCKET!unix:$workdir/kamailio_ctl!g"
#!define NODE_PING_INTERVAL $ping_interval
EOF

((stopping)) && exit 0
"$kamailio_bin" -f "$workdir/kamailio.cfg" -DD -E -n 2 -m "$shm_mb" -M 8 \
  -Y "$workdir" -P "$workdir/kamailio.pid" -w "$workdir" "$@" &
kamailio_pid=$!

# `wait` returns early when a trapped signal arrives; keep waiting until Kamailio is gone.
while :; do
  if wait "$kamailio_pid"; then status=0; else status=$?; fi
  kill -0 "$kamailio_pid" 2>/dev/null || break
done
kamailio_pid=
exit "$status"
