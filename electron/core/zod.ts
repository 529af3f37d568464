/**
 * zod for the platform-free core and the CLI: its functional build (zod/mini) with English messages.
 *
 * Why: `import { z } from 'zod'` evaluates all of zod classic (every schema kind with its chained methods, JSON
 * Schema output…) in whatever loads it; for the CLI that was about 4 MiB of its peak RSS (`npm run bench`, cli-e2e).
 * The functional API keeps to the schema kinds and checks a bundle uses. The schemas are the same zod schemas
 * (zod/v4/core), so code that still uses zod classic (the Electron main process, the IPC contract) can nest and
 * parse them. Import it as a namespace, `import * as z from './zod'`, so bundlers can drop what is unused.
 */
import { config, type core } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod classic installs its English messages when imported; zod/mini leaves that to its user.
config(en());

export * from 'zod/mini';

/**
 * A custom issue raised from inside a transform, the one zod classic's `ctx.addIssue` adds there (on the value being
 * transformed): zod/mini's transform context has no addIssue of its own. (Refinements' contexts do.)
 */
export function addIssue(ctx: core.ParsePayload, message: string): void {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
}
