import { z } from 'zod';
import { envVar, parseEnv } from '../../../shared/config/env.js';
import { DEFAULT_APQ_MAX_BYTES } from './apq-store.js';

/**
 * How the gateway treats persisted operations. A safelist (`log` or `enforce`) needs a manifest
 * and runs without APQ, so the union rules out the combinations start-up refuses.
 */
export type PersistedOperationsConfig =
  | {
      /** PERSISTED_OPERATIONS_SAFELIST=off (the default): every operation runs. */
      safelist: 'off';
      /** PERSISTED_OPERATIONS_MANIFEST: operations clients may send by id. Default none. */
      manifestPath?: string;
      /** APQ_ENABLED (default true) and APQ_CACHE_BYTES (default 16 MiB); `false` when disabled. */
      apq: { maxBytes: number } | false;
    }
  | {
      /** `log`: operations outside the manifest run and are logged; `enforce`: they are refused. */
      safelist: 'log' | 'enforce';
      manifestPath: string;
      apq: false;
    };

const SAFELIST_MODES = ['off', 'log', 'enforce'] as const;

const schema = z
  .object({
    PERSISTED_OPERATIONS_MANIFEST: z.string().optional(),
    PERSISTED_OPERATIONS_SAFELIST: z.enum(SAFELIST_MODES, { error: 'expected off, log or enforce' }).default('off'),
    // No default here: unset means "whatever the safelist allows", an explicit true is a request.
    APQ_ENABLED: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .transform((value) => value === 'true' || value === '1' || value === 'yes')
      .optional(),
    APQ_CACHE_BYTES: envVar.positiveInt(DEFAULT_APQ_MAX_BYTES),
  })
  .superRefine(
    (env, ctx) => {
      // Runs even when a field failed (`when` below), so values may be unparsed strings: compared by equality only.
      const safelist = env.PERSISTED_OPERATIONS_SAFELIST;
      if ((safelist === 'log' || safelist === 'enforce') && env.PERSISTED_OPERATIONS_MANIFEST === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['PERSISTED_OPERATIONS_SAFELIST'],
          message: `${safelist} compares operations with a manifest, and PERSISTED_OPERATIONS_MANIFEST is not set: set it to the manifest's path, or the safelist to off`,
        });
      }
      if ((safelist === 'log' || safelist === 'enforce') && env.APQ_ENABLED === true) {
        ctx.addIssue({
          code: 'custom',
          path: ['APQ_ENABLED'],
          message: `automatic persisted queries cannot run with PERSISTED_OPERATIONS_SAFELIST=${safelist} (any client could register any operation): unset APQ_ENABLED or set it to false`,
        });
      }
    },
    { when: () => true },
  );

/**
 * Reads the persisted-operations settings from the environment:
 * - `PERSISTED_OPERATIONS_MANIFEST`: path of an Apollo persisted query manifest. Default none.
 * - `PERSISTED_OPERATIONS_SAFELIST`: `off` (default), `log` or `enforce`; `log`/`enforce` need the manifest.
 * - `APQ_ENABLED`: automatic persisted queries. Default true with the safelist off, false with it on;
 *   `true` with a safelist is refused, as Apollo Router refuses APQ with safelisting, rather than
 *   silently ignored: a setting that does nothing in a security option is a trap.
 * - `APQ_CACHE_BYTES`: bound of the APQ store in bytes. Default 16 MiB.
 * Every wrong value is reported at once, each naming its variable.
 */
export function loadPersistedOperationsConfig(env: Record<string, string | undefined> = process.env): PersistedOperationsConfig {
  const parsed = parseEnv(schema, env);
  const manifestPath = parsed.PERSISTED_OPERATIONS_MANIFEST;
  const safelist = parsed.PERSISTED_OPERATIONS_SAFELIST;
  switch (safelist) {
    case 'off':
      return {
        safelist,
        ...(manifestPath === undefined ? {} : { manifestPath }),
        apq: parsed.APQ_ENABLED === false ? false : { maxBytes: parsed.APQ_CACHE_BYTES },
      };
    case 'log':
    case 'enforce':
      // The refinement above refused a safelist without a manifest, so the path is there.
      return { safelist, manifestPath: manifestPath as string, apq: false };
    default: {
      const unknown: never = safelist;
      throw new Error(`loadPersistedOperationsConfig: expected off, log or enforce, got ${String(unknown)}`);
    }
  }
}
