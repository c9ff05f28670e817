/**
 * @module zod, set to validate without generating code. Zod's default fast path probes
 * `new Function('')`, which the app's Content-Security-Policy forbids: the probe alone is
 * reported as a CSP violation. Every module imports `z` from here, never from 'zod'.
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
