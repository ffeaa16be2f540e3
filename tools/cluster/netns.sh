#!/usr/bin/env bash
# Several "hosts" on one Linux machine: network namespaces on a bridge, each with its own address,
# for tests of the cluster path that need real links between hosts (and links that can be cut).
# Needs root (CAP_NET_ADMIN) and iproute2.
#
#   tools/cluster/netns.sh up PREFIX N SUBNET   namespaces PREFIX0..PREFIXN on bridge PREFIXbr:
#                                               the bridge is SUBNET.1 (the root namespace's side),
#                                               namespace i is SUBNET.(10+i); root-side veth PREFIXvI
#   tools/cluster/netns.sh cut PREFIX I         take namespace I's link down (its processes stay up)
#   tools/cluster/netns.sh restore PREFIX I     bring it back
#   tools/cluster/netns.sh down PREFIX          kill every process in the namespaces, delete them,
#                                               their links and the bridge (safe to run twice)
#   tools/cluster/netns.sh check                exits 0 when this machine lets us make namespaces
set -uo pipefail

up() {
  local p="$1" n="$2" subnet="$3"
  set -e
  ip link add name "${p}br" type bridge
  ip addr add "$subnet.1/24" dev "${p}br"
  ip link set "${p}br" up
  for i in $(seq 0 "$n"); do
    ip netns add "${p}$i"
    ip link add "${p}v$i" type veth peer name eth0 netns "${p}$i"
    ip link set "${p}v$i" master "${p}br"
    ip link set "${p}v$i" up
    ip -n "${p}$i" addr add "$subnet.$((10 + i))/24" dev eth0
    ip -n "${p}$i" link set eth0 up
    ip -n "${p}$i" link set lo up
    ip -n "${p}$i" route add default via "$subnet.1"
  done
}

down() {
  local p="$1"
  for ns in $(ip netns list | awk '{print $1}' | grep "^${p}[0-9]*$"); do
    pids=$(ip netns pids "$ns")
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    ip netns del "$ns"
  done
  for link in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^${p}v[0-9]*$"); do ip link del "$link" 2>/dev/null; done
  ip link del "${p}br" 2>/dev/null
  return 0
}

check() {
  local p="lnc$$"
  if ! ip netns add "${p}0" 2>/dev/null; then echo "cannot create network namespaces (needs root and iproute2)"; return 1; fi
  if ! ip link add name "${p}br" type bridge 2>/dev/null; then ip netns del "${p}0"; echo "cannot create a bridge"; return 1; fi
  ip link del "${p}br"; ip netns del "${p}0"
  return 0
}

case "${1:-}" in
  up) up "$2" "$3" "$4" ;;
  cut) ip link set "${2}v$3" down ;;
  restore) ip link set "${2}v$3" up ;;
  down) down "$2" ;;
  check) check ;;
  *) echo "usage: netns.sh up PREFIX N SUBNET | cut PREFIX I | restore PREFIX I | down PREFIX | check" >&2; exit 2 ;;
esac
