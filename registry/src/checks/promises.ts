import { LIFECYCLE_ORDER, type ClassificationLevel, type DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import { result, type CheckResult } from './types.js';

const LEVELS: readonly ClassificationLevel[] = ['public', 'internal', 'confidential', 'restricted'];
const OWNER_KEYS = ['team', 'contact', 'channel'] as const;

/**
 * A descriptor states promises consumers rely on; a new version that weakens one is a breaking
 * change of the data product (`promise-weakened`, error), one that strengthens it is info:
 * availability, p99 latency and freshness SLOs; each field's classification level (a classified
 * field dropped from the list while still in the schema becomes public); the owner's team,
 * contact and channel; the lifecycle, which only moves forwards.
 *
 * `fieldsInSchema` are the candidate SDL's `Type.field` coordinates.
 */
export function comparePromises(before: DataProductDescriptor, after: DataProductDescriptor, fieldsInSchema: ReadonlySet<string>): CheckResult[] {
  const results: CheckResult[] = [];
  const weakened = (message: string, coordinates: string[] = []) => results.push(result('error', 'promise-weakened', message, coordinates));
  const strengthened = (message: string, coordinates: string[] = []) => results.push(result('info', 'promise-weakened', message, coordinates));

  const slo = (name: string, was: number, is: number, higherIsBetter: boolean, unit: string) => {
    if (was === is) return;
    const better = higherIsBetter ? is > was : is < was;
    (better ? strengthened : weakened)(`slo.${name} ${better ? 'strengthened' : 'weakened'} from ${was}${unit} to ${is}${unit}`);
  };
  slo('availability', before.slo.availability, after.slo.availability, true, '%');
  slo('latencyP99Ms', before.slo.latencyP99Ms, after.slo.latencyP99Ms, false, ' ms');
  slo('freshnessSeconds', before.slo.freshnessSeconds, after.slo.freshnessSeconds, false, ' s');

  const levelBefore = new Map(before.classification.map((c) => [c.field, c.level]));
  const levelAfter = new Map(after.classification.map((c) => [c.field, c.level]));
  for (const [field, was] of levelBefore) {
    const is = levelAfter.get(field);
    if (is === undefined) {
      // Removed from the schema too: the breaking-change check speaks for the field itself.
      if (fieldsInSchema.has(field) && was !== 'public') weakened(`${field} is no longer classified (was ${was}), so it counts as public`, [field]);
    } else if (LEVELS.indexOf(is) < LEVELS.indexOf(was)) {
      weakened(`${field} classification lowered from ${was} to ${is}`, [field]);
    } else if (LEVELS.indexOf(is) > LEVELS.indexOf(was)) {
      strengthened(`${field} classification raised from ${was} to ${is}`, [field]);
    }
  }
  for (const [field, is] of levelAfter) {
    if (!levelBefore.has(field) && is !== 'public') strengthened(`${field} is newly classified ${is}`, [field]);
  }

  for (const key of OWNER_KEYS) {
    const was = before.owner?.[key]?.trim() ?? '';
    const is = after.owner?.[key]?.trim() ?? '';
    if (was !== '' && is === '') weakened(`owner.${key} removed (was "${was}"): consumers lose who to ask`);
    else if (was !== is && is !== '') strengthened(`owner.${key} changed from ${was ? `"${was}"` : 'nothing'} to "${is}"`);
  }

  const lifecycleBefore = before.lifecycle ?? 'experimental';
  const lifecycleAfter = after.lifecycle ?? 'experimental';
  const step = LIFECYCLE_ORDER.indexOf(lifecycleAfter) - LIFECYCLE_ORDER.indexOf(lifecycleBefore);
  if (step < 0) weakened(`lifecycle moved backwards from ${lifecycleBefore} to ${lifecycleAfter} (the order is ${LIFECYCLE_ORDER.join(' → ')})`);
  else if (step > 0) strengthened(`lifecycle moved from ${lifecycleBefore} to ${lifecycleAfter}`);
  return results;
}
