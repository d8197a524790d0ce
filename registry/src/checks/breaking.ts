import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';
import { result, type CheckResult } from './types.js';

/** How many non-breaking changes the summary's evidence lists by name. */
const LISTED_NON_BREAKING = 10;

/**
 * What changes for clients between the served API schema and the candidate's, by
 * `@graphql-inspector/core`: each breaking change an error, each dangerous one a warning, the
 * non-breaking ones one info summary. Coordinates are the inspector's paths (`Type.field.argument`).
 * Authorization is not among them: both API schemas are the gateway's, without the SECURITY
 * directives (authorization.ts compares those).
 */
export async function breakingChanges(served: GraphQLSchema, candidate: GraphQLSchema): Promise<CheckResult[]> {
  const changes = await diff(served, candidate);
  const results: CheckResult[] = [];
  const safe: Change[] = [];
  for (const change of changes) {
    switch (change.criticality.level) {
      case CriticalityLevel.Breaking:
        // The evidence that matters here is who used it (usage.ts); the inspector's reason says only why such a change breaks.
        results.push(result('error', 'breaking', change.message, coordinatesOf(change)));
        break;
      case CriticalityLevel.Dangerous:
        results.push(result('warning', 'breaking', change.message, coordinatesOf(change), change.criticality.reason));
        break;
      case CriticalityLevel.NonBreaking:
        safe.push(change);
        break;
      default: {
        const unexpected: never = change.criticality.level;
        throw new Error(`unreachable: unknown criticality ${String(unexpected)}`);
      }
    }
  }
  if (safe.length > 0) {
    const listed = safe.slice(0, LISTED_NON_BREAKING).map((c) => c.message);
    const more = safe.length > listed.length ? `; and ${safe.length - listed.length} more` : '';
    results.push(
      result(
        'info',
        'breaking',
        `${safe.length} non-breaking change${safe.length === 1 ? '' : 's'}`,
        [...new Set(safe.flatMap(coordinatesOf))],
        `${listed.join('; ')}${more}`,
      ),
    );
  }
  return results;
}

function coordinatesOf(change: Change): string[] {
  return change.path ? [change.path] : [];
}
