# Sourced by scripts/test (and by hand): sharded builds on a batch engine,
# and bulk loads of their shards into triplestores. Only functions: sourcing
# it changes nothing.
#
#   annalist_slurm_start            a one-node Slurm cluster on this machine
#   annalist_parallel_install       GNU parallel (Debian's `parallel`)
#   annalist_oxigraph_cli_install   the `oxigraph` CLI (bench/requirements.txt's pin)
#   annalist_sharded_build ENGINE BIN CORPUS N DIR
#                                   shards 1..N of CORPUS into DIR, run by
#                                   ENGINE (slurm or parallel); waits
#   annalist_oxigraph_bulk_load OXIGRAPH STORE DIR
#                                   `oxigraph load` of DIR/*.nq.gz
#   annalist_virtuoso_bulk_load DIR
#                                   Virtuoso's ld_dir + rdf_loader_run over
#                                   ISQL (ANNALIST_VIRTUOSO_ISQL_PORT, dba)
#
# The Slurm cluster is for this machine only (a container run as root, as
# CI runs): its own slurm.conf under ${ANNALIST_SLURM_DIR:-$HOME/.cache/annalist/slurm},
# found by the Slurm commands through SLURM_CONF; munge with Debian's key;
# no systemd, no cgroups (proctrack/linuxproc, task/none). An institution's
# cluster has its own configuration: only scripts/slurm/annalist-shards.sbatch
# is for it.

annalist_cluster_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The `oxigraph` CLI at the version bench/requirements.txt pins: the
# benchmark's venv when it has it, else a venv of its own. Exports
# ANNALIST_OXIGRAPH.
annalist_oxigraph_cli_install() {
    local pin bench venv python
    pin="$(grep -E '^oxigraph==' "$annalist_cluster_root/bench/requirements.txt")" || return 1
    bench="${ANNALIST_BENCH_VENV:-$HOME/.cache/annalist/venv-bench}"
    if [ "$("$bench/bin/oxigraph" --version 2>/dev/null)" = "oxigraph ${pin#*==}" ]; then
        export ANNALIST_OXIGRAPH="$bench/bin/oxigraph"
        return 0
    fi
    venv="${ANNALIST_OXIGRAPH_VENV:-$HOME/.cache/annalist/venv-oxigraph}"
    if [ "$("$venv/bin/oxigraph" --version 2>/dev/null)" != "oxigraph ${pin#*==}" ]; then
        declare -F annalist_find_python >/dev/null || source "$annalist_cluster_root/scripts/prereq.sh"
        python="$(annalist_find_python 3.11)" ||
            annalist_missing "Python 3.11 with venv (the oxigraph CLI)" "apt-get install -y python3.11 python3.11-venv" || return 1
        echo "annalist: installing the oxigraph CLI ($pin) in $venv" >&2
        rm -rf "$venv"
        "$python" -m venv "$venv" &&
            "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input "$pin" || return 1
    fi
    export ANNALIST_OXIGRAPH="$venv/bin/oxigraph"
}

# Installs Debian packages through scripts/prereq.sh's annalist_apt_install.
annalist_cluster_apt() {
    declare -F annalist_apt_install >/dev/null || source "$annalist_cluster_root/scripts/prereq.sh"
    annalist_apt_install "$@"
}

annalist_parallel_install() {
    command -v parallel >/dev/null 2>&1 || annalist_cluster_apt parallel
}

# Installs slurm-wlm and munge, starts munged, writes slurm.conf for this
# host and starts slurmctld and slurmd, then waits for the node to be idle.
# Exports SLURM_CONF. Does nothing that is already done.
annalist_slurm_start() {
    local dir="${ANNALIST_SLURM_DIR:-$HOME/.cache/annalist/slurm}"
    if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
        annalist_cluster_apt slurm-wlm munge || return 1
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "annalist: a local Slurm cluster needs root (slurmd runs jobs as their users); fix: run as root, or point SLURM_CONF at a running cluster" >&2
        return 1
    fi
    # munge: Debian's package made the key; the daemon runs as munge.
    if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        [ -s /etc/munge/munge.key ] || mungekey --create --keyfile /etc/munge/munge.key
        chown munge:munge /etc/munge/munge.key && chmod 600 /etc/munge/munge.key
        mkdir -p /run/munge /var/log/munge /var/lib/munge
        chown munge:munge /run/munge /var/log/munge /var/lib/munge
        runuser -u munge -- /usr/sbin/munged || return 1
        munge -n | unmunge >/dev/null || { echo "annalist: munged does not answer" >&2; return 1; }
    fi
    local host cpus memory
    host="$(hostname -s)"
    cpus="$(nproc)"
    memory="$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)"
    mkdir -p "$dir/ctld" "$dir/d" "$dir/log"
    local conf="$dir/slurm.conf"
    cat >"$conf.new" <<EOF
# A one-node cluster on $host, written by scripts/cluster.sh.
ClusterName=annalist
SlurmctldHost=$host
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/d
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=${ANNALIST_SLURMCTLD_PORT:-6817}
SlurmdPort=${ANNALIST_SLURMD_PORT:-6818}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=annalist Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    mv "$conf.new" "$conf"
    export SLURM_CONF="$conf"
    if ! scontrol ping 2>/dev/null | grep -q UP; then
        slurmctld -f "$conf" || { cat "$dir/log/slurmctld.log" >&2; return 1; }
    fi
    if [ ! -s "$dir/slurmd.pid" ] || ! kill -0 "$(cat "$dir/slurmd.pid")" 2>/dev/null; then
        slurmd -f "$conf" || { cat "$dir/log/slurmd.log" >&2; return 1; }
    fi
    local i state
    for i in $(seq 60); do
        state="$(sinfo -h -o %T 2>/dev/null | head -1)"
        case "$state" in
            idle* | mixed* | allocated*) return 0 ;;
            down* | drain*) scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 ;;
        esac
        sleep 1
    done
    echo "annalist: the Slurm node is not idle after 60 s (state: ${state:-none}); see $dir/log" >&2
    return 1
}

# annalist_sharded_build ENGINE BIN CORPUS N DIR: writes DIR/shard-K-of-N.nq.gz
# for K = 1..N, each K a task of the batch engine (slurm: an array job of
# scripts/slurm/annalist-shards.sbatch, waited for; parallel: GNU parallel).
annalist_sharded_build() {
    local engine="$1" bin="$2" corpus="$3" n="$4" dir="$5"
    mkdir -p "$dir"
    case "$engine" in
        slurm)
            ANNALIST_BIN="$bin" ANNALIST_CORPUS="$corpus" ANNALIST_SHARDS_DIR="$dir" \
                sbatch --wait --quiet --array="1-$n" --output="$dir/.slurm-%A-%a.log" \
                --export=ALL "$annalist_cluster_root/scripts/slurm/annalist-shards.sbatch" ||
                { cat "$dir"/.slurm-*.log >&2 2>/dev/null; return 1; }
            rm -f "$dir"/.slurm-*.log
            ;;
        parallel)
            parallel --will-cite --halt now,fail=1 \
                "$bin" --quiet --corpus "$corpus" build --shard {}/"$n" --emit nquads "$dir" \
                ::: $(seq "$n")
            ;;
        *)
            echo "annalist: unknown batch engine $engine (slurm or parallel)" >&2
            return 2
            ;;
    esac
}

# annalist_oxigraph_bulk_load OXIGRAPH STORE DIR: loads every DIR/*.nq.gz
# into the Oxigraph store at STORE with `oxigraph load` (in parallel), then
# makes the summary graph of counts with DIR/summary.ru (written by shard 1).
annalist_oxigraph_bulk_load() {
    local oxigraph="$1" store="$2" dir="$3"
    local files=("$dir"/*.nq.gz)
    [ -e "${files[0]}" ] || { echo "annalist: no *.nq.gz in $dir" >&2; return 1; }
    [ -e "$dir/summary.ru" ] || { echo "annalist: no summary.ru in $dir (shard 1 writes it)" >&2; return 1; }
    "$oxigraph" load --location "$store" --file "${files[@]}" &&
        "$oxigraph" update --location "$store" --update-file "$dir/summary.ru"
}

# Runs SQL on Virtuoso's ISQL port as dba; prints the output, fails on an
# error line (isql-vt exits 0 on most of them).
annalist_virtuoso_isql() {
    local isql out
    isql="$(command -v isql-vt || command -v isql)" ||
        { echo "annalist: no isql-vt (Debian's virtuoso-opensource)" >&2; return 1; }
    out="$("$isql" "${ANNALIST_VIRTUOSO_ISQL_PORT:-1111}" "${ANNALIST_VIRTUOSO_USER:-dba}" \
        "${ANNALIST_VIRTUOSO_PASSWORD:-dba}" VERBOSE=OFF BANNER=OFF PROMPT=OFF ECHO=OFF \
        ERRORS=STDOUT exec="$1" 2>&1)" || { echo "$out" >&2; return 1; }
    if grep -qE '^\*\*\* Error|SQLState' <<<"$out"; then
        echo "$out" >&2
        return 1
    fi
    printf '%s\n' "$out"
}

# annalist_virtuoso_bulk_load DIR: loads DIR/*.nq.gz into Virtuoso, in
# the quads' own graphs: empties every graph the shards hold (a rebuilt
# corpus replaces its graphs; the ontology's blank nodes are not doubled),
# registers the files with ld_dir, runs rdf_loader_run, checkpoints, and
# fails when a file did not load (ll_error in DB.DBA.LOAD_LIST). DIR must be
# in Virtuoso's DirsAllowed.
annalist_virtuoso_bulk_load() {
    local dir sql
    dir="$(cd "$1" && pwd)" || return 1
    sql="$(mktemp)"
    # The graph is an N-Quads line's last IRI, before the final " .".
    zcat "$dir"/*.nq.gz | sed -n 's/.* <\([^<>]*\)> \.$/\1/p' | sort -u |
        sed "s/'/''/g; s/.*/DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id('&');/" >"$sql"
    # A file registered before (by name) is loaded again.
    echo "DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file LIKE '$dir/%';" >>"$sql"
    [ -e "$dir/summary.ru" ] || { echo "annalist: no summary.ru in $dir (shard 1 writes it)" >&2; rm -f "$sql"; return 1; }
    # The summary graph, which no shard holds, is emptied too and made
    # again once the shards are in, one SPARQL statement per operation of
    # summary.ru (its operations are separated by lines of a lone ";").
    sed -n 's/^CLEAR SILENT GRAPH <\(.*\)>$/\1/p' "$dir/summary.ru" |
        sed "s/'/''/g; s/.*/DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id('&');/" >>"$sql"
    echo "ld_dir('$dir', '*.nq.gz', 'urn:annalist:unused');" >>"$sql"
    echo "rdf_loader_run();" >>"$sql"
    awk 'BEGIN { op = "" }
         /^;$/ { if (op !~ /^CLEAR /) print "SPARQL " op ";"; op = ""; next }
         { op = (op == "" ? $0 : op "\n" $0) }
         END { if (op != "" && op !~ /^CLEAR /) print "SPARQL " op ";" }' "$dir/summary.ru" >>"$sql"
    echo "checkpoint;" >>"$sql"
    annalist_virtuoso_isql "LOAD $sql" >/dev/null || { rm -f "$sql"; return 1; }
    rm -f "$sql"
    local failed
    failed="$(annalist_virtuoso_isql "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file LIKE '$dir/%' AND (ll_state <> 2 OR ll_error IS NOT NULL);")" || return 1
    if grep -q "$dir/" <<<"$failed"; then
        echo "annalist: Virtuoso did not load every shard of $dir:" >&2
        echo "$failed" >&2
        return 1
    fi
}
