# Sourced by scripts/test (and by anyone who wants the servers by hand): the
# triplestore servers the push and sharding tests talk to, each a private
# instance under ${ANNALIST_SERVERS:-$HOME/.cache/annalist/servers}. Only
# functions: sourcing it changes nothing.
#
#   annalist_virtuoso_start         Virtuoso (Debian's virtuoso-opensource):
#                                   HTTP on 8890 (SPARQL at /sparql, graph
#                                   store at /sparql-graph-crud), ISQL on
#                                   1111; exports ANNALIST_VIRTUOSO_URL and
#                                   ANNALIST_VIRTUOSO_ISQL_PORT. The push
#                                   tests write to it over HTTP.
#   annalist_virtuoso_bulk_start    a second Virtuoso with a database of its
#                                   own, for the bulk loads of shards
#                                   (ld_dir, rdf_loader_run over ISQL): HTTP
#                                   on 8891, ISQL on 1112; exports
#                                   ANNALIST_VIRTUOSO_BULK_URL and
#                                   ANNALIST_VIRTUOSO_BULK_ISQL_PORT. Bulk
#                                   loads and Graph Store writes are kept on
#                                   separate servers: a bulk load run after
#                                   a push on one server left it hung. Each
#                                   start empties its database.
#   annalist_oxigraph_server_start  Oxigraph server (the `oxigraph` CLI from
#                                   PyPI, the version scripts/bench pins) on
#                                   7878, union default graph; exports
#                                   ANNALIST_OXIGRAPH_URL.
#   annalist_virtuoso_stop, annalist_virtuoso_bulk_stop,
#   annalist_oxigraph_server_stop
#
# Each start is idempotent: a server of ours that already answers is
# reused; a port that another program holds makes the start pick the next
# free one. Needs no systemd: the servers run as background processes
# whose ids are kept in their directories.

annalist_servers_dir() {
    echo "${ANNALIST_SERVERS:-$HOME/.cache/annalist/servers}"
}

# Whether something listens on 127.0.0.1:$1.
annalist_port_taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Waits up to $2 seconds until `curl -sf $1` answers.
annalist_wait_http() {
    local url="$1" seconds="${2:-60}" i
    for ((i = 0; i < seconds * 4; i++)); do
        curl -sf -o /dev/null --max-time 2 "$url" && return 0
        sleep 0.25
    done
    return 1
}

# Whether the process whose id is in file $1 runs.
annalist_pid_alive() {
    [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# annalist_virtuoso_instance NAME HTTP ISQL: the Virtuoso whose files are in
# $(annalist_servers_dir)/NAME, reused when it answers, else started on the
# first free ports from HTTP and ISQL up. Sets annalist_virtuoso_http and
# annalist_virtuoso_isql to its ports.
annalist_virtuoso_instance() {
    local name="$1" dir http isql ask
    dir="$(annalist_servers_dir)/$name"
    ask="query=ASK%7B%7D"
    # Ours, and answering: reuse it.
    if annalist_pid_alive "$dir/pid" && [ -f "$dir/ports" ]; then
        read -r http isql <"$dir/ports"
        if curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$http/sparql?$ask"; then
            annalist_virtuoso_http="$http" annalist_virtuoso_isql="$isql"
            return 0
        fi
    fi
    if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
        annalist_apt_install virtuoso-opensource || return 1
    fi
    annalist_virtuoso_instance_stop "$name"
    http="$2"
    isql="$3"
    while annalist_port_taken "$http"; do http=$((http + 1)); done
    while annalist_port_taken "$isql" || [ "$isql" = "$http" ]; do isql=$((isql + 1)); done
    mkdir -p "$dir/db"
    dir="$(cd "$dir" && pwd)"
    cat >"$dir/virtuoso.ini" <<EOF
; A private Virtuoso for annalist's tests ($name), written by scripts/servers.sh.
[Database]
DatabaseFile    = $dir/db/virtuoso.db
ErrorLogFile    = $dir/db/virtuoso.log
LockFile        = $dir/db/virtuoso.lck
TransactionFile = $dir/db/virtuoso.trx
xa_persistent_file = $dir/db/virtuoso.pxa
ErrorLogLevel   = 7
FileExtend      = 200
MaxCheckpointRemap = 2000
Striping        = 0
TempStorage     = TempDatabase
[TempDatabase]
DatabaseFile    = $dir/db/virtuoso-temp.db
TransactionFile = $dir/db/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping        = 0
[Parameters]
ServerPort          = $isql
DisableUnixSocket   = 1
MaxClientConnections = 20
CheckpointInterval  = 60
CaseMode            = 2
; The bulk loader (ld_dir) reads only from these directories.
DirsAllowed         = ., /tmp, $dir, $(annalist_servers_dir), /usr/share/virtuoso-opensource-7/vad
VADInstallDir       = /usr/share/virtuoso-opensource-7/vad/
NumberOfBuffers     = 20000
MaxDirtyBuffers     = 15000
MaxQueryMem         = 1G
ThreadsPerQuery     = 2
[HTTPServer]
ServerPort          = $http
ServerRoot          = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 20
ServerThreads       = 20
EnabledDavVSP       = 0
Charset             = UTF-8
EnabledGzipContent  = 0
[SPARQL]
ResultSetMaxRows    = 10000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
DeferInferenceRulesInit = 0
EOF
    echo "$http $isql" >"$dir/ports"
    echo "annalist: starting Virtuoso ($name) in $dir (HTTP $http, ISQL $isql)" >&2
    # `&` on virtuoso-t alone, so that $! is the server's own id.
    (cd "$dir" || exit 1
        nohup virtuoso-t +configfile "$dir/virtuoso.ini" +foreground >"$dir/stdout.log" 2>&1 &
        echo $! >"$dir/pid")
    if ! annalist_wait_http "http://127.0.0.1:$http/sparql?$ask" 180; then
        tail -20 "$dir/db/virtuoso.log" "$dir/stdout.log" >&2 2>/dev/null
        annalist_missing "a running Virtuoso (it did not answer on port $http)" "see $dir/db/virtuoso.log" || return 1
    fi
    # The graph store endpoint (/sparql-graph-crud) and SPARQL updates run
    # as the user SPARQL, and unauthenticated graph writes as nobody.
    if ! isql-vt "$isql" dba dba exec="GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);" >"$dir/grant.log" 2>&1; then
        cat "$dir/grant.log" >&2
        annalist_missing "write access to Virtuoso's graph store" "isql-vt $isql dba dba exec='GRANT SPARQL_UPDATE TO \"SPARQL\";'" || return 1
    fi
    annalist_virtuoso_http="$http" annalist_virtuoso_isql="$isql"
}

# Stops the Virtuoso whose files are in $(annalist_servers_dir)/$1.
annalist_virtuoso_instance_stop() {
    local dir pid i
    dir="$(annalist_servers_dir)/$1"
    if annalist_pid_alive "$dir/pid"; then
        pid="$(cat "$dir/pid")"
        kill "$pid" 2>/dev/null
        for ((i = 0; i < 120; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pid"
}

annalist_virtuoso_start() {
    annalist_virtuoso_instance virtuoso 8890 1111 || return 1
    export ANNALIST_VIRTUOSO_URL="http://127.0.0.1:$annalist_virtuoso_http" \
        ANNALIST_VIRTUOSO_ISQL_PORT="$annalist_virtuoso_isql"
}

annalist_virtuoso_stop() {
    annalist_virtuoso_instance_stop virtuoso
    unset ANNALIST_VIRTUOSO_URL ANNALIST_VIRTUOSO_ISQL_PORT
}

# Always a fresh server on an empty database: after some ten loads and
# clean-ups in a row, this Virtuoso 7.2 once stopped answering on both of
# its ports while emptying graphs (DELETE FROM DB.DBA.RDF_QUAD, then a
# checkpoint), idle, with nothing in its log; each test run starts anew.
annalist_virtuoso_bulk_start() {
    annalist_virtuoso_instance_stop virtuoso-bulk
    rm -rf "$(annalist_servers_dir)/virtuoso-bulk/db"
    annalist_virtuoso_instance virtuoso-bulk 8891 1112 || return 1
    export ANNALIST_VIRTUOSO_BULK_URL="http://127.0.0.1:$annalist_virtuoso_http" \
        ANNALIST_VIRTUOSO_BULK_ISQL_PORT="$annalist_virtuoso_isql"
}

annalist_virtuoso_bulk_stop() {
    annalist_virtuoso_instance_stop virtuoso-bulk
    unset ANNALIST_VIRTUOSO_BULK_URL ANNALIST_VIRTUOSO_BULK_ISQL_PORT
}

# The oxigraph CLI, in its own venv, at the version scripts/bench pins.
annalist_oxigraph_cli() {
    local root venv spec python
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    spec="$(grep -E '^oxigraph==' "$root/bench/requirements.txt")"
    venv="$(annalist_servers_dir)/oxigraph-venv"
    if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$spec" ]; then
        python="$(annalist_find_python 3.11)" ||
            annalist_missing "Python 3.11 with venv (for the oxigraph CLI)" "apt-get install -y python3.11 python3.11-venv" || return 1
        echo "annalist: installing $spec in $venv" >&2
        rm -rf "$venv"
        "$python" -m venv "$venv" >/dev/null &&
            "$venv/bin/pip" install --quiet --disable-pip-version-check "$spec" || return 1
        echo "$spec" >"$venv/.requirements"
    fi
    echo "$venv/bin/oxigraph"
}

annalist_oxigraph_server_start() {
    local dir port cli
    dir="$(annalist_servers_dir)/oxigraph"
    if annalist_pid_alive "$dir/pid" && [ -f "$dir/port" ]; then
        port="$(cat "$dir/port")"
        if curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$port/query?query=ASK%7B%7D"; then
            export ANNALIST_OXIGRAPH_URL="http://127.0.0.1:$port"
            return 0
        fi
    fi
    cli="$(annalist_oxigraph_cli)" || return 1
    annalist_oxigraph_server_stop
    port=7878
    while annalist_port_taken "$port"; do port=$((port + 1)); done
    mkdir -p "$dir/data"
    dir="$(cd "$dir" && pwd)"
    echo "$port" >"$dir/port"
    echo "annalist: starting Oxigraph server in $dir (HTTP $port)" >&2
    nohup "$cli" serve --location "$dir/data" --bind "127.0.0.1:$port" --union-default-graph \
        >"$dir/server.log" 2>&1 &
    echo $! >"$dir/pid"
    if ! annalist_wait_http "http://127.0.0.1:$port/query?query=ASK%7B%7D" 60; then
        tail -20 "$dir/server.log" >&2
        annalist_missing "a running Oxigraph server (it did not answer on port $port)" "see $dir/server.log" || return 1
    fi
    export ANNALIST_OXIGRAPH_URL="http://127.0.0.1:$port"
}

annalist_oxigraph_server_stop() {
    local dir pid i
    dir="$(annalist_servers_dir)/oxigraph"
    if annalist_pid_alive "$dir/pid"; then
        pid="$(cat "$dir/pid")"
        kill "$pid" 2>/dev/null
        for ((i = 0; i < 40; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pid"
    unset ANNALIST_OXIGRAPH_URL
}
