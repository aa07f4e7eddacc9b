# One image for every service and simulator; docker-compose.yml picks one per container with SERVICE
# (ingest, poller, syncer, projector, crm-sim, siagh-sim: scripts/image/services.ts).
#
# The build stage compiles the TypeScript into plain ES modules (scripts/image/build.ts) and installs
# the runtime dependencies apart; the runtime stage holds only those two and starts the service with
# the image's own Node: no tsx, no dev dependency, nothing fetched at start-up.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY schemas/package.json schemas/
COPY simulators/package.json simulators/
COPY services/ingest/package.json services/ingest/
COPY services/poller/package.json services/poller/
COPY services/syncer/package.json services/syncer/
COPY services/projector/package.json services/projector/
COPY patches/ patches/
# Install scripts are skipped: the pinned `node` package would download a second Node (this image's
# is the runtime), so its placeholder is removed from node_modules/.bin, where npm run finds it first.
RUN npm ci --ignore-scripts --no-audit --no-fund && rm -f node_modules/.bin/node
COPY . .
# Fails if a bundle imports a package that is not a runtime dependency.
RUN npm run build

# The runtime dependencies alone, patched as npm's postinstall would (patches/: the kafkajs idle-timer
# fix). patch-package is a dev dependency, so the build stage's copy applies the patches here.
WORKDIR /prod
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY schemas/package.json schemas/
COPY simulators/package.json simulators/
COPY services/ingest/package.json services/ingest/
COPY services/poller/package.json services/poller/
COPY services/syncer/package.json services/syncer/
COPY services/projector/package.json services/projector/
COPY patches/ patches/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && node /app/node_modules/patch-package/index.js --error-on-fail \
  && rm -rf node_modules/@siaghsync

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /prod/node_modules node_modules
COPY --from=build /app/dist dist
# What the bundles read at run time, where their sources had them (RUNTIME_ASSETS in scripts/image/services.ts).
COPY schemas/avro schemas/avro
COPY services/projector/src/dashboard services/projector/src/dashboard
COPY config/sync.default.yaml config/sync.default.yaml
COPY LICENSE ./
USER node
ENV SERVICE=ingest
# The operator CLI ships too: docker compose exec projector node dist/syncctl.js status
CMD ["node", "--enable-source-maps", "dist/main.js"]
