# The Label Backup agent image.
#
#   docker build -t label-backup .
#   docker run -d --name label-backup \
#     -v /var/run/docker.sock:/var/run/docker.sock \
#     --group-add "$(stat -c %g /var/run/docker.sock)" \
#     -v label-backup-data:/backups -p 8080:8080 label-backup
#
# examples/docker-run.md and examples/docker-compose.yml explain every option.
#
# The base is a build argument so the image can be built on a mirror or a local copy of
# the Node image (the tests build it on a stand-in of the same Debian release).
ARG BASE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------
# build: install the workspace, compile it, and deploy @lb/agent with production
# dependencies only into /app.
FROM ${BASE_IMAGE} AS build
# CI=true: pnpm never waits for an answer (there is no terminal here).
ENV CI=true
WORKDIR /src

# Behind a TLS-inspecting proxy, npm and pnpm must trust its certificate authority: pass
# the PEM text with --build-arg EXTRA_CA_CERTS="$(cat proxy-ca.crt)". Only this stage
# sees it; the runtime image does not carry it.
ARG EXTRA_CA_CERTS=
RUN printf '%s\n' "$EXTRA_CA_CERTS" > /usr/local/share/build-extra-ca.pem
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/build-extra-ca.pem

# pnpm at exactly the version the workspace pins: package.json "packageManager"
# (pnpm@X.Y.Z), else "engines.pnpm".
COPY package.json ./
RUN pnpm_version="$(node -e ' \
      const p = require("./package.json"); \
      const pinned = (p.packageManager || "").startsWith("pnpm@") \
        ? p.packageManager.slice(5).split("+")[0] \
        : (p.engines || {}).pnpm; \
      if (!pinned) { console.error("package.json pins no pnpm version"); process.exit(1); } \
      console.log(pinned);')" \
 && npm install --global --no-fund --no-audit --loglevel=error "pnpm@${pnpm_version}" \
 && pnpm --version

# Dependencies are fetched from the lockfile alone, so this layer is reused until the
# lockfile changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch

COPY . .
# Not --frozen-lockfile: pnpm 12 then insists on recording its own package in the
# lockfile; every dependency's version is still the one the committed lockfile pins.
RUN pnpm install --prefer-offline --no-frozen-lockfile \
 && pnpm --filter-prod "@lb/agent..." run build \
 && pnpm --filter @lb/agent deploy --prod /app \
 && chmod 0755 /app/bin/label-backup.js

# ---------------------------------------------------------------------------------------
# runtime: Node, the agent, and the client tools that backup.mode=client runs beside it.
FROM ${BASE_IMAGE}
ARG BASE_IMAGE
ARG VERSION=dev
ARG REVISION=unknown

# Client tools, from Debian bookworm's own archive:
#   postgresql-client  PostgreSQL 15, the only major bookworm ships. pg_dump refuses
#                      servers newer than itself, so client mode covers servers up to 15;
#                      newer servers are dumped in exec mode (the default), with the
#                      pg_dump inside the database's own container.
#   mariadb-client     mariadb-dump and mysqldump (MariaDB 10.11)
#   redis-tools        redis-cli (Redis 7.0)
# MongoDB's database tools (mongodump) are not in Debian, so MongoDB is backed up in
# exec mode only. `label-backup version` prints what is installed.
# tini runs as PID 1: it forwards SIGTERM to the agent and reaps the dump tools it spawns.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends \
      ca-certificates \
      tini \
      postgresql-client \
      mariadb-client \
      redis-tools \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*

COPY --from=build /app /app
# `label-backup` on PATH for `docker exec`; /backups (LOCAL_BACKUP_PATH's default) is the
# agent's own, so a named volume mounted there starts out writable by it.
RUN ln -s /app/bin/label-backup.js /usr/local/bin/label-backup \
 && install -d -o 1000 -g 1000 -m 0750 /backups

ENV NODE_ENV=production
WORKDIR /app
# The base image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
# To reach the engine socket it needs the socket's group: `docker run --group-add
# "$(stat -c %g /var/run/docker.sock)"`, or `group_add` in compose.
USER 1000:1000
EXPOSE 8080

# /healthz answers while the process is up. HTTP_PORT=0 turns the server off, and then
# there is nothing to ask, so the check passes.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const port = process.env.HTTP_PORT || '8080'; if (port === '0') process.exit(0); let host = process.env.HTTP_HOST || '127.0.0.1'; if (host === '0.0.0.0') host = '127.0.0.1'; if (host === '::') host = '::1'; if (host.includes(':')) host = '[' + host + ']'; fetch('http://' + host + ':' + port + '/healthz', { signal: AbortSignal.timeout(8000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));"]

ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/label-backup.js"]
CMD ["agent"]

LABEL org.opencontainers.image.title="Label Backup" \
      org.opencontainers.image.description="Backs up containerized databases and volumes on the schedules in their backup.* Docker labels" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
