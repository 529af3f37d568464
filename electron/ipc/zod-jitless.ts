/**
 * Import this first in bundles that run under the window's CSP (the preload, the e2e page bridge): zod decides
 * whether to compile parsers with `new Function` when each schema is built, and a CSP without 'unsafe-eval'
 * then reports (or, if the CSP arrived after the probe, throws) on parse. Main does not import it: there the
 * compiled parsers are allowed and faster.
 */
import { z } from 'zod';

z.config({ jitless: true });
