# The three stages (sandbox, compliance, production) served by real nginx on loopback, for the
# end-to-end tests and the demo. Source it; it defines functions only.
#
#   stages_available                  0 when nginx is installed (else prints why not, returns 1)
#   stages_start TREE                 one nginx per stage, document root TREE/.goose/stages/<stage>;
#                                     sets STAGE_PORT_<stage> (18081..18083 when free, else random)
#   stages_point_tree TREE            rewrites the stages' base_url in TREE to those ports
#   stages_stop                       stops every nginx started here, by its pid (call it in a trap)
#
# Each nginx runs from a config written into its own temp dir (error log, pid and temp paths
# there, nothing under /etc or /var), listens on 127.0.0.1 only and serves /healthz (200 "ok"),
# /version (the stage's version.json) and /mode ({"mode":"<stage>"}).
STAGES_NAMES="sandbox compliance production"
STAGES_NGINX=${NGINX:-$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)}
STAGES_DIR=""
STAGES_PIDS=""

stages_available() {
	if [ ! -x "$STAGES_NGINX" ]; then
		echo "skip: nginx is not installed (scripts/install-deps.sh installs it)"
		return 1
	fi
	return 0
}

# True when something answers on 127.0.0.1:PORT.
stages_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# stages_wait PORT: up to 5 s for /healthz to answer.
stages_wait() {
	local port=$1 attempt
	for attempt in $(seq 1 50); do
		if command -v curl >/dev/null 2>&1; then
			curl -fsS --max-time 1 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
		else
			stages_port_busy "$port" && return 0
		fi
		sleep 0.1
	done
	return 1
}

# stages_config STAGE PORT ROOT PREFIX: the nginx config of one stage.
stages_config() {
	local stage=$1 port=$2 root=$3 prefix=$4
	cat <<CONF
# nginx for stage '$stage' (written by scripts/stages.sh)
user $(id -un) $(id -gn);
worker_processes 1;
error_log $prefix/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    server_tokens off;
    client_body_temp_path $prefix/temp/body;
    proxy_temp_path $prefix/temp/proxy;
    fastcgi_temp_path $prefix/temp/fastcgi;
    uwsgi_temp_path $prefix/temp/uwsgi;
    scgi_temp_path $prefix/temp/scgi;
    types { application/json json; text/html html; text/plain txt; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$port;
        root $root;
        location = /healthz { default_type text/plain; return 200 "ok"; }
        location = /version { types { } default_type application/json; alias $root/version.json; }
        location = /mode { default_type application/json; return 200 '{"mode":"$stage"}'; }
        # the ledger API the example load test drives (stress-test.yaml's requests)
        location ~ ^/v1/accounts/[^/]+/balance$ {
            default_type application/json; return 200 '{"balance":{"value":"100.00","currency":"EUR"}}';
        }
        location ~ ^/v1/accounts/[^/]+/transactions$ {
            default_type application/json; return 200 '{"transactions":[]}';
        }
        location = /v1/transfers { default_type application/json; return 201 '{"status":"accepted"}'; }
    }
}
CONF
}

stages_start() {
	local tree stage port prefix attempt started
	tree=$(cd "$1" && pwd) || return 1
	STAGES_DIR=$(mktemp -d "${TMPDIR:-/tmp}/goose-stages.XXXXXX") || return 1
	local preferred=18081
	for stage in $STAGES_NAMES; do
		started=""
		prefix=$STAGES_DIR/$stage
		mkdir -p "$prefix/temp"
		for attempt in 1 2 3 4 5 6 7 8; do
			if [ "$attempt" -eq 1 ] && [ -z "${STAGES_RANDOM_PORTS:-}" ]; then port=$preferred
			else port=$((20000 + RANDOM % 30000)); fi
			stages_port_busy "$port" && continue
			stages_config "$stage" "$port" "$tree/.goose/stages/$stage" "$prefix" >"$prefix/nginx.conf"
			if timeout 10 "$STAGES_NGINX" -e "$prefix/error.log" -p "$prefix" -c "$prefix/nginx.conf" \
				-g "daemon on; pid $prefix/nginx.pid;" >>"$prefix/start.log" 2>&1 &&
				[ -s "$prefix/nginx.pid" ]; then
				STAGES_PIDS="$STAGES_PIDS $(cat "$prefix/nginx.pid")"
				if stages_wait "$port"; then
					started=$port
					break
				fi
			fi
		done
		preferred=$((preferred + 1))
		if [ -z "$started" ]; then
			echo "stages: cannot start nginx for stage '$stage' (see below)" >&2
			cat "$prefix/start.log" "$prefix/error.log" >&2 2>/dev/null
			stages_stop
			return 1
		fi
		printf -v "STAGE_PORT_$stage" '%s' "$started"
		export "STAGE_PORT_$stage"
	done
	return 0
}

# Points every stage file of TREE at the port its nginx listens on.
stages_point_tree() {
	local tree=$1 stage port
	for stage in $STAGES_NAMES; do
		port=STAGE_PORT_$stage
		sed -i -E "s#^(  base_url: http://127\\.0\\.0\\.1:)[0-9]+#\\1${!port}#" "$tree/golden-goose/stages/$stage.yaml"
	done
}

stages_stop() {
	local pid
	for pid in $STAGES_PIDS; do
		kill -TERM "$pid" 2>/dev/null || continue
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	done
	STAGES_PIDS=""
	if [ -n "$STAGES_DIR" ]; then rm -rf "$STAGES_DIR"; fi
	STAGES_DIR=""
}

# stages_promotion_payload FROM TO NOW PROJECT: a promotion plan payload (JSON, to be signed)
# with only the steps goose-run implements today: validate the source stage, snapshot the
# target, promote, check the target's /version and /healthz over HTTP, update monitoring. The
# example tree's own promotion plans also hold loadtest.run, sbom.scan and evidence.collect,
# which fail with "not implemented" until their issues land. Needs STAGE_PORT_<TO>.
stages_promotion_payload() {
	local from=$1 to=$2 now=$3 project=$4
	local port=STAGE_PORT_$to
	local url="http://127.0.0.1:${!port}"
	cat <<JSON
{"format":1,"kind":"goosec-plan","project":"$project","workflow":"promote","stage":"$to","from_stage":"$from",
 "created":$((now - 60)),"expires":$((now + 3600)),"expected_state":null,"state_check":"first-seen","inputs":{},
 "gates":{},
 "steps":[
  {"id":"validate","phase":"validate-current-stage","action":"stage.validate","title":"Validate the current stage","args":{"stage":"$from","state_dir":".goose/stages/$from","require_files":["version.json","release.json"]}},
  {"id":"snapshot","phase":"create-stage-snapshot","action":"snapshot.create","title":"Create a snapshot of the target stage","args":{"stage":"$to","state_dir":".goose/stages/$to","purpose":"recovery","store":".goose/snapshots","include":["**"],"exclude":["*.tmp"],"retention":{"keep_last":10,"max_age_ms":null},"key_id":"snap-2026q4","checks":[{"check":"integrity"}]}},
  {"id":"promote","phase":"execute-promotion","action":"stage.promote","title":"Promote the release","args":{"from":"$from","to":"$to","from_state_dir":".goose/stages/$from","to_state_dir":".goose/stages/$to","source":"stage","release_digest":null}},
  {"id":"verify-version","phase":"verify-new-stage","action":"http.check","title":"Health of the new stage: /version","args":{"stage":"$to","url":"$url/version","method":"GET","expect":{"status":[200],"json":{"version":"\${release.version}"}},"timeout_ms":2000,"retry":{"attempts":20,"backoff_ms":100}}},
  {"id":"verify-health","phase":"verify-new-stage","action":"http.check","title":"Health of the new stage: /healthz","args":{"stage":"$to","url":"$url/healthz","method":"GET","expect":{"status":[200],"body_contains":"ok"},"timeout_ms":2000,"retry":{"attempts":3,"backoff_ms":100}}},
  {"id":"monitoring","phase":"update-monitoring","action":"monitoring.update","title":"Update monitoring","args":{"stage":"$to","event":"promote"}}
 ]}
JSON
}

# stages_seed TREE: the stages' state dirs as a fresh environment has them: release 1.1.0 in
# sandbox, 1.0.0 live in compliance and production.
stages_seed() {
	local tree=$1 stage version
	for stage in $STAGES_NAMES; do
		version=1.0.0
		[ "$stage" = sandbox ] && version=1.1.0
		mkdir -p "$tree/.goose/stages/$stage"
		printf '{"version": "%s"}\n' "$version" >"$tree/.goose/stages/$stage/version.json"
		printf '{"release": "%s", "services": ["ledger-api", "gateway"]}\n' "$version" >"$tree/.goose/stages/$stage/release.json"
		printf '<p>ledger %s</p>\n' "$version" >"$tree/.goose/stages/$stage/index.html"
	done
}
