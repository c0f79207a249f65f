import type { StudioContext, StudioRoute } from './context.js';
import { coverageRoutes } from './coverage.js';
import { editRoutes } from './edit.js';
import { funnelRoutes } from './funnel.js';
import { linkRoutes } from './links.js';
import { pinRoutes } from './pins.js';
import { simulatorRoutes } from './simulator.js';

/** The studio's feature routes besides the script and its events: one line per feature. */
export function featureRoutes(context: StudioContext): StudioRoute[] {
  return [
    { method: 'GET', path: '/api/script', handle: () => context.current().model },
    ...coverageRoutes(context),
    ...funnelRoutes(context),
    ...simulatorRoutes(context),
    ...linkRoutes(context),
    ...pinRoutes(context),
    ...editRoutes(context),
  ];
}
