# One image for every service; docker-compose.yml picks the service with SERVICE.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY schemas/package.json schemas/
COPY simulators/package.json simulators/
COPY services/ingest/package.json services/ingest/
COPY services/poller/package.json services/poller/
COPY services/syncer/package.json services/syncer/
COPY services/projector/package.json services/projector/
COPY patches/ patches/
# tsx runs the TypeScript sources directly, so dev dependencies that carry it are kept (NODE_ENV
# alone would drop them). The image's own Node is the runtime: the pinned `node` package is not
# installed (its install script is skipped), so its placeholder is removed from node_modules/.bin,
# where npx would find it first. Our patches (patches/) are applied as npm's postinstall would.
RUN npm ci --include=dev --ignore-scripts && npx patch-package && rm -f node_modules/.bin/node
COPY . .
USER node
ENV SERVICE=ingest
CMD ["sh", "-c", "exec npx tsx services/${SERVICE}/src/main.ts"]
