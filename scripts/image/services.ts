/** What the image runs, by the value of SERVICE (docker-compose.yml sets it per container). */
export const IMAGE_SERVICES = ['ingest', 'poller', 'syncer', 'projector', 'crm-sim', 'siagh-sim'] as const;

export type ImageService = (typeof IMAGE_SERVICES)[number];

/**
 * What the bundles read at run time, relative to the repository root, where the image keeps them too
 * (the build points each import.meta.url at its source's place). The Dockerfile copies each; a unit
 * test holds it to that.
 */
export const RUNTIME_ASSETS = [
  'schemas/avro',
  'services/projector/src/dashboard',
  'config/sync.default.yaml',
];
