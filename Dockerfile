# One image for every service; docker-compose.yml picks the service with SERVICE.
FROM node:20-bookworm-slim
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
# tsx runs the TypeScript sources directly, so dev dependencies that carry it are kept.
RUN npm ci --ignore-scripts
COPY . .
USER node
ENV SERVICE=ingest
CMD ["sh", "-c", "exec npx tsx services/${SERVICE}/src/main.ts"]
