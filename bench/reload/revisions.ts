/**
 * The harmless change the reload scenario publishes: a new revision of one type's description.
 * A description changes the supergraph (so its composition id, so every gateway must reload) and
 * nothing any answer contains; the registry's checks rate it non-breaking, and the running
 * subgraph needs no change, which is why the publish may skip the running-contract check.
 * A field added and removed would also be harmless only while no query selects it; a
 * description needs no such care.
 *
 * Each revision is a new text (a counter, not two alternating versions): every publish is then a
 * supergraph id never served before, so the first answer carrying it is unambiguous.
 */
import { Kind, parse, print, visit, type StringValueNode } from 'graphql';

/** The type whose description changes: marketing's `Segment`, which the reload workload never selects. */
export const REVISED = { subgraph: 'marketing', type: 'Segment' } as const;

/** `sdl` with `typeName`'s description ending in ` (bench revision <n>)`; throws if the type is not in it. */
export function reviseDescription(sdl: string, typeName: string, revision: number): string {
  let found = false;
  const revised = visit(parse(sdl), {
    ObjectTypeDefinition(node) {
      if (node.name.value !== typeName) return undefined;
      found = true;
      const original = (node.description?.value ?? '').replace(/ \(bench revision \d+\)$/, '');
      const description: StringValueNode = { kind: Kind.STRING, value: `${original}${original ? ' ' : ''}(bench revision ${revision})`, block: false };
      return { ...node, description };
    },
  });
  if (!found) throw new Error(`reviseDescription: no type ${typeName} in the schema`);
  return print(revised);
}

/** The descriptor text with its `routingUrl` set to where the subgraph actually runs (the bench picks free ports). */
export function withRoutingUrl(descriptorText: string, url: string): string {
  const line = /^routingUrl:.*$/m;
  return line.test(descriptorText) ? descriptorText.replace(line, `routingUrl: ${url}`) : `${descriptorText.trimEnd()}\nroutingUrl: ${url}\n`;
}
