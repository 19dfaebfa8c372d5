#!/bin/sh
# cluster.sh - a throwaway PostgreSQL cluster for tests (and benchmarks).
#
#   tests/pg/cluster.sh start DIR   initdb into DIR, start on a free loopback
#                                   port; prints the port on stdout
#   tests/pg/cluster.sh stop DIR    stop it (immediate) and remove DIR
#   tests/pg/cluster.sh bindir      print the PostgreSQL binaries' directory
#
# Loopback only, trust auth for user "postgres", fsync off.  PostgreSQL
# refuses to run as root, so as root the server runs as the "postgres" OS
# user (DIR is handed to it).
set -eu

bindir() {
	for d in "${STRATA_PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" \
		$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	echo "cluster.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
	return 1
}

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

port_free() {
	! (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null
}

cmd=${1:-}
case "$cmd" in
bindir)
	bindir
	;;
start)
	dir=$2
	bin=$(bindir)
	mkdir -p "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$dir"
		chmod 700 "$dir"
		if ! runuser -u postgres -- test -x "$dir"; then
			echo "cluster.sh: the postgres user cannot reach $dir; make its parent directories world-searchable (chmod o+x)" >&2
			exit 1
		fi
	fi
	as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
		--no-sync >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	tries=0
	while :; do
		port=${STRATA_TEST_PGPORT_FIXED:-$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 ))}
		if port_free "$port" && as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB" \
			start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 5 ] || [ -n "${STRATA_TEST_PGPORT_FIXED:-}" ]; then
			echo "cluster.sh: could not start PostgreSQL:" >&2
			tail -20 "$dir/server.log" >&2 2>/dev/null || true
			exit 1
		fi
	done
	echo "$port" >"$dir/port"
	echo "$port"
	;;
stop)
	dir=$2
	if [ -d "$dir/data" ]; then
		bin=$(bindir)
		as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: cluster.sh start DIR | stop DIR | bindir" >&2
	exit 2
	;;
esac
