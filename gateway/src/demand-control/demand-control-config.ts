import { z } from 'zod';
import { envVar, parseEnv } from '../../../shared/config/env.js';

/**
 * How the gateway treats an operation's estimated cost (Apollo Router's demand control modes):
 * `enforce` refuses one above the maximum, `measure` only reports the estimate, `off` skips it.
 */
export type DemandControlConfig =
  | { readonly mode: 'off' }
  | {
      readonly mode: 'enforce' | 'measure';
      /** The highest estimated cost accepted. Default 5000 (COST_MAX). */
      readonly maxCost: number;
      /** Length assumed for a list field that no `@listSize` sizes. Default 10 (COST_DEFAULT_LIST_SIZE). */
      readonly defaultListSize: number;
    };

/**
 * The default maximum: about 10x the costliest example query in the READMEs (495: active campaigns
 * with their segments and promotions) and 3x a full 100-product page with its stock levels (1,700).
 */
export const DEFAULT_COST_MAX = 5000;
export const DEFAULT_LIST_SIZE = 10;

const schema = z.object({
  COST_MODE: z.enum(['enforce', 'measure', 'off'], { error: 'expected enforce, measure or off' }).default('enforce'),
  COST_MAX: envVar.positiveInt(DEFAULT_COST_MAX),
  COST_DEFAULT_LIST_SIZE: envVar.positiveInt(DEFAULT_LIST_SIZE),
});

/**
 * Reads demand control's settings from the environment. Every variable is checked in every
 * mode, so switching from `off` to `enforce` cannot reveal a typo made long ago.
 */
export function loadDemandControlConfig(env: Record<string, string | undefined> = process.env): DemandControlConfig {
  const parsed = parseEnv(schema, env);
  if (parsed.COST_MODE === 'off') return { mode: 'off' };
  return { mode: parsed.COST_MODE, maxCost: parsed.COST_MAX, defaultListSize: parsed.COST_DEFAULT_LIST_SIZE };
}
