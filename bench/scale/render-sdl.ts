import type { FieldModel, ForeignEntityModel, Guard, OwnedTypeModel, SubgraphModel } from './generate.js';

/** The link every generated subgraph starts with, as the data products' own contracts do. */
const LINK = 'extend schema\n  @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])\n';

/** One generated subgraph as its `schema.graphql` would read. */
export function renderSubgraphSdl(subgraph: SubgraphModel): string {
  const blocks = [
    LINK,
    `type Query {\n${subgraph.queryFields.map(renderField).join('\n')}\n}\n`,
    ...subgraph.types.map(renderOwnedType),
    ...subgraph.foreign.map(renderForeignEntity),
  ];
  return blocks.join('\n');
}

function renderOwnedType(type: OwnedTypeModel): string {
  const description = `"${type.description}"\n`;
  switch (type.kind) {
    case 'enum':
      return `${description}enum ${type.name} {\n${type.values.map((v) => `  ${v}`).join('\n')}\n}\n`;
    case 'input':
      return `${description}input ${type.name} {\n${type.fields.map((f) => `  ${f.name}: ${f.type}`).join('\n')}\n}\n`;
    case 'object': {
      const directives = [type.entity ? '@key(fields: "id")' : '', type.guard ? renderGuard(type.guard) : ''].filter(Boolean).join(' ');
      return `${description}type ${type.name}${directives ? ` ${directives}` : ''} {\n${type.fields.map(renderField).join('\n')}\n}\n`;
    }
  }
}

/** A reference only (`resolvable: false`), or a contribution of fields to another subgraph's entity. */
function renderForeignEntity(entity: ForeignEntityModel): string {
  const key = entity.fields.length ? '@key(fields: "id")' : '@key(fields: "id", resolvable: false)';
  return `type ${entity.name} ${key} {\n  id: ID!\n${entity.fields.map((f) => `${renderField(f)}\n`).join('')}}\n`;
}

function renderField(field: FieldModel): string {
  const description = field.description ? `  "${field.description}"\n` : '';
  const args = field.args ? `(${field.args})` : '';
  const guard = field.guard ? ` ${renderGuard(field.guard)}` : '';
  return `${description}  ${field.name}${args}: ${field.type}${guard}`;
}

function renderGuard(guard: Guard): string {
  switch (guard.kind) {
    case 'authenticated':
      return '@authenticated';
    case 'requiresScopes':
      return `@requiresScopes(scopes: ${JSON.stringify(guard.scopes)})`;
    case 'policy':
      return `@policy(policies: ${JSON.stringify(guard.policies)})`;
  }
}
