// The image's one entry point (Dockerfile CMD): SERVICE picks what this container runs. Each part is
// its own chunk of the build (scripts/image/build.ts), loaded only when chosen, so a container never
// runs or initialises the code of the others.
import { z } from 'zod';
import { exitOnConfigError, parseEnv } from '@siaghsync/shared/config';
import { IMAGE_SERVICES, type ImageService } from './services';

const PARTS: Record<ImageService, () => Promise<unknown>> = {
  ingest: () => import('../../services/ingest/src/main'),
  poller: () => import('../../services/poller/src/main'),
  syncer: () => import('../../services/syncer/src/main'),
  projector: () => import('../../services/projector/src/main'),
  'crm-sim': () => import('../../simulators/crm/main'),
  'siagh-sim': () => import('../../simulators/siagh/main'),
};

let service: ImageService;
try {
  ({ SERVICE: service } = parseEnv(z.object({ SERVICE: z.enum(IMAGE_SERVICES) }), process.env, 'image'));
} catch (e) {
  exitOnConfigError(e);
}
await PARTS[service]();
