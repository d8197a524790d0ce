import type { HubModel, ScaleMesh } from './generate.js';

export interface ScaleOperation {
  name: string;
  query: string;
  /** Subgraphs whose fields the operation selects (the chain's and its hubs' contributors). */
  subgraphs: string[];
}

/**
 * An operation that starts at subgraph `start`'s hub and follows `next` through `hops` hubs (one
 * subgraph each), selecting on every hub two of its own fields and one field another subgraph
 * contributes: the planner has to chain `hops` entity fetches and add the contributors' fetches.
 * Different `start` values give different operations, i.e. plans that are not cached yet.
 */
export function chainOperation(mesh: ScaleMesh, start: number, hops: number): ScaleOperation {
  const { hubs } = mesh;
  if (!Number.isInteger(start) || start < 0 || start >= hubs.length) throw new Error(`chainOperation: expected "start" in 0..${hubs.length - 1}, got ${start}`);
  if (!Number.isInteger(hops) || hops < 1 || hops > hubs.length) throw new Error(`chainOperation: expected "hops" in 1..${hubs.length}, got ${hops}`);
  const touched = new Set<string>();
  const selection = (position: number, remaining: number, indent: string): string => {
    const hub: HubModel = hubs[(start + position) % hubs.length];
    touched.add(hub.subgraph);
    const following = hubs[(start + position + 1) % hubs.length].subgraph;
    // A contributor other than the next hop, so its field costs a fetch of its own.
    const contribution = hub.contributions.find((c) => c.subgraph !== following && c.subgraph !== hub.subgraph) ?? hub.contributions[0];
    if (contribution) touched.add(contribution.subgraph);
    const fields = ['id', 'name', ...hub.scalars, ...(contribution ? [contribution.field] : [])].map((f) => `${indent}  ${f}`);
    if (remaining > 1) fields.push(`${indent}  next {\n${selection(position + 1, remaining - 1, `${indent}  `)}\n${indent}  }`);
    return fields.join('\n');
  };
  const first = hubs[start];
  const name = `ScaleChain_${first.subgraph}_${hops}`;
  const body = selection(0, hops, '  ');
  return { name, query: `query ${name} {\n  ${first.queryField}(id: "1") {\n${body}\n  }\n}\n`, subgraphs: [...touched].sort() };
}
