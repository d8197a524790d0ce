import { stringify } from 'yaml';
import type { PublishInput } from '../../src/api/types.js';

/**
 * A small data product to publish: `name` owns one entity type with a few fields; `extraFields`
 * adds fields (a new contract), `withoutFields` leaves some out (a breaking change).
 */
export function productInput(
  name: string,
  url: string,
  options: { extraFields?: string[]; withoutFields?: string[]; label?: string; availability?: number } = {},
): PublishInput {
  const type = `${name[0].toUpperCase()}${name.slice(1).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}Item`;
  const query = `${type[0].toLowerCase()}${type.slice(1)}s`;
  const fields = ['id: ID!', 'title: String!', 'amount: Float!', ...(options.extraFields ?? [])].filter((f) => !(options.withoutFields ?? []).includes(f.split(':')[0]));
  const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

type Query {
  "Every ${type}, in id order."
  ${query}: [${type}!]!
}

"One ${name} item."
type ${type} @key(fields: "id") {
${fields.map((f) => `  "The ${f.split(':')[0]}."\n  ${f}`).join('\n')}
}
`;
  const descriptor = stringify({
    apiVersion: 'meshgate.dev/v1',
    kind: 'DataProduct',
    name,
    domain: `${name} domain`,
    description: `The ${name} data product of the registry tests.`,
    lifecycle: 'experimental',
    owner: { team: `${name} team`, contact: `${name}@meshgate.example`, channel: `#${name}` },
    purpose: 'Exercises the registry.',
    consumers: ['registry tests'],
    slo: { availability: options.availability ?? 99.5, latencyP99Ms: 200, freshnessSeconds: 60 },
    entities: [{ type, keys: ['id'], description: `One ${name} item.` }],
    classification: [],
  });
  return { name, url, sdl, descriptor, ...(options.label ? { label: options.label } : {}) };
}
