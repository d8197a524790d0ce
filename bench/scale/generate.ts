/**
 * Deterministic generator of the scale scenario's mesh (issue 4: 100 subgraphs, 5,000 types).
 *
 * Each subgraph owns its share of the types: ~20% entities (`@key(fields: "id")`, the first one a
 * "hub"), ~10% enums, ~10% inputs, the rest value objects. What makes it a federation workload and
 * not 100 unrelated schemas:
 * - every hub has `next`, a reference to the next subgraph's hub, so an operation can follow
 *   references across as many subgraphs as it likes (operations.ts);
 * - every subgraph contributes fields to entities owned by a few others (hubs more often), so one
 *   entity is assembled from several subgraphs;
 * - value objects sometimes reference another subgraph's entity (a `resolvable: false` stub);
 * - ~14% of fields and ~6% of types carry @authenticated, @requiresScopes or @policy, so Meshgate's
 *   authorization index has real work at start-up and on every operation.
 * The same options always give the same mesh (seeded PRNG), so results compare across runs.
 */
import { SeededRandom } from '../../shared/demo/random.js';
import {
  ENTITY_WORDS, ENUM_VALUES, ENUM_WORDS, FIELD_WORDS, INPUT_WORDS, OBJECT_WORDS, SCALARS, SCALE_POLICIES, SCALE_SCOPES,
  capitalize, lowerFirst, numbered,
} from './vocabulary.js';

export interface ScaleMeshOptions {
  /** Default 100. */
  subgraphs?: number;
  /** Types in total, spread evenly over the subgraphs. Default 5000. */
  types?: number;
  /** Default 4. */
  seed?: number;
}

export type GuardKind = 'authenticated' | 'requiresScopes' | 'policy';
export type Guard =
  | { kind: 'authenticated' }
  | { kind: 'requiresScopes'; scopes: string[][] }
  | { kind: 'policy'; policies: string[][] };

export interface FieldModel {
  name: string;
  /** GraphQL type reference, e.g. `[S001_Note!]!`. */
  type: string;
  /** Argument definitions without parentheses, e.g. `id: ID!`. */
  args?: string;
  guard?: Guard;
  description?: string;
}
export interface ObjectTypeModel { kind: 'object'; name: string; description: string; entity: boolean; guard?: Guard; fields: FieldModel[] }
export interface EnumTypeModel { kind: 'enum'; name: string; description: string; values: string[] }
export interface InputTypeModel { kind: 'input'; name: string; description: string; fields: FieldModel[] }
export type OwnedTypeModel = ObjectTypeModel | EnumTypeModel | InputTypeModel;

/** An entity owned elsewhere: a `resolvable: false` stub, or a contribution when `fields` is not empty. */
export interface ForeignEntityModel { name: string; fields: FieldModel[] }

export interface SubgraphModel {
  name: string;
  queryFields: FieldModel[];
  types: OwnedTypeModel[];
  foreign: ForeignEntityModel[];
}

/** What operations need to know about a subgraph's hub entity. */
export interface HubModel {
  subgraph: string;
  type: string;
  /** `Query` field returning the hub by id. */
  queryField: string;
  /** Two of its own scalar fields. */
  scalars: string[];
  /** Fields other subgraphs contribute to it. */
  contributions: { subgraph: string; field: string }[];
}

export interface ScaleMesh {
  options: Required<ScaleMeshOptions>;
  subgraphs: SubgraphModel[];
  /** By subgraph position; `hubs[i].type` has `next: hubs[i + 1].type` (wrapping around). */
  hubs: HubModel[];
  /** Every type the mesh defines (each owned by one subgraph); Query not included. */
  typeNames: string[];
  /** Every directive application, by coordinate (`Type` or `Type.field`). */
  guarded: { coordinate: string; kind: GuardKind }[];
}

/** Fewest types a subgraph can have: one entity, one object, one enum, one input. */
export const MIN_TYPES_PER_SUBGRAPH = 4;

interface SubgraphPlan {
  name: string;
  entities: string[];
  objects: string[];
  enums: string[];
  inputs: string[];
}

export function generateScaleMesh(options: ScaleMeshOptions = {}): ScaleMesh {
  const resolved = { subgraphs: options.subgraphs ?? 100, types: options.types ?? 5000, seed: options.seed ?? 4 };
  const { subgraphs: count, types } = resolved;
  if (!Number.isInteger(count) || count < 1) throw new Error(`generateScaleMesh: expected "subgraphs" to be a whole number >= 1, got ${count}`);
  if (!Number.isInteger(types) || types < count * MIN_TYPES_PER_SUBGRAPH) {
    throw new Error(`generateScaleMesh: expected "types" to be a whole number >= ${MIN_TYPES_PER_SUBGRAPH} per subgraph (${count * MIN_TYPES_PER_SUBGRAPH}), got ${types}`);
  }
  const random = new SeededRandom(resolved.seed);
  const plans = planSubgraphs(count, types);
  const guarded: ScaleMesh['guarded'] = [];
  const guard = (coordinate: string, share: number): Guard | undefined => {
    const drawn = drawGuard(random, share);
    if (drawn) guarded.push({ coordinate, kind: drawn.kind });
    return drawn;
  };

  // Contributions first: a subgraph's stubs and its hub's contributors must be known when rendering.
  const foreignBySubgraph = plans.map(() => new Map<string, FieldModel[]>());
  const contributions = plans.map(() => [] as HubModel['contributions']);
  plans.forEach((plan, i) => {
    const others = plans.map((_, t) => t).filter((t) => t !== i);
    for (const t of random.sample(others, 3)) {
      const target = plans[t];
      const entity = random.chance(0.6) ? target.entities[0] : random.pick(target.entities);
      const fields = random.sample(FIELD_WORDS, random.int(1, 2)).map((word) => {
        const name = `${plan.name}${capitalize(word)}`;
        return { name, type: random.pick(SCALARS), guard: guard(`${entity}.${name}`, 0.14) };
      });
      foreignBySubgraph[i].set(entity, fields);
      if (entity === target.entities[0]) contributions[t].push(...fields.map((f) => ({ subgraph: plan.name, field: f.name })));
    }
  });

  const hubs: HubModel[] = [];
  const subgraphs = plans.map((plan, i): SubgraphModel => {
    const foreign = foreignBySubgraph[i];
    const reference = (entity: string) => {
      if (!foreign.has(entity)) foreign.set(entity, []);
      return entity;
    };
    const otherEntity = () => {
      const t = (i + random.int(1, plans.length - 1)) % plans.length;
      return reference(random.pick(plans[t].entities));
    };
    const scalarFields = (typeName: string, min: number, max: number): FieldModel[] =>
      random.sample(FIELD_WORDS, random.int(min, max)).map((word) => ({
        name: word,
        type: random.pick(SCALARS),
        guard: guard(`${typeName}.${word}`, 0.14),
        description: random.chance(0.25) ? `The ${word} of this ${typeName.split('_')[1]}.` : undefined,
      }));
    const typeGuard = (typeName: string) => guard(typeName, 0.06);
    const describe = (typeName: string, what: string) => `${typeName.split('_')[1]} ${what} of ${plan.name} (generated for the scale benchmark).`;

    const entities = plan.entities.map((name, j): ObjectTypeModel => {
      const fields: FieldModel[] = [
        { name: 'id', type: 'ID!' },
        { name: 'name', type: 'String!', guard: guard(`${name}.name`, 0.05) },
        ...scalarFields(name, 3, 6),
        { name: 'details', type: plan.objects[j % plan.objects.length], guard: guard(`${name}.details`, 0.14) },
      ];
      if (j === 0) {
        for (const member of plan.entities.slice(1)) {
          const field = `${lowerFirst(member.split('_')[1])}List`;
          fields.push({ name: field, type: `[${member}!]!`, args: 'first: Int = 20', guard: guard(`${name}.${field}`, 0.14) });
        }
        if (plans.length > 1) fields.push({ name: 'next', type: reference(plans[(i + 1) % plans.length].entities[0]), description: 'The next subgraph\'s hub.' });
      }
      plan.inputs.forEach((input, m) => {
        if (m % plan.entities.length !== j) return;
        const field = `matching${input.split('_')[1]}`;
        fields.push({ name: field, type: `[${plan.objects[m % plan.objects.length]}!]!`, args: `filter: ${input}!, first: Int = 20`, guard: guard(`${name}.${field}`, 0.14) });
      });
      return { kind: 'object', name, description: describe(name, 'entity'), entity: true, guard: typeGuard(name), fields };
    });

    const objects = plan.objects.map((name, j): ObjectTypeModel => {
      const fields = scalarFields(name, 3, 6);
      plan.enums.forEach((e, k) => {
        if (k % plan.objects.length === j) fields.push({ name: lowerFirst(e.split('_')[1]), type: e });
      });
      if (j + 1 < plan.objects.length) fields.push({ name: 'more', type: plan.objects[j + 1] });
      if (random.chance(0.3)) fields.push({ name: 'ownerEntity', type: random.pick(plan.entities), guard: guard(`${name}.ownerEntity`, 0.14) });
      if (plans.length > 1 && random.chance(0.2)) fields.push({ name: 'related', type: otherEntity(), guard: guard(`${name}.related`, 0.14) });
      return { kind: 'object', name, description: describe(name, 'record'), entity: false, guard: typeGuard(name), fields };
    });

    const enums = plan.enums.map((name): EnumTypeModel => ({
      kind: 'enum', name, description: describe(name, 'values'), values: random.sample(ENUM_VALUES, random.int(3, 6)),
    }));

    const inputs = plan.inputs.map((name, m): InputTypeModel => ({
      kind: 'input',
      name,
      description: describe(name, 'input'),
      fields: [
        { name: 'text', type: 'String' },
        { name: 'limit', type: 'Int' },
        { name: 'minValue', type: 'Float' },
        ...plan.enums.filter((_, k) => k % plan.inputs.length === m).map((e) => ({ name: lowerFirst(e.split('_')[1]), type: e })),
      ],
    }));

    const hub = entities[0];
    const hubField = `${plan.name}Hub`;
    const searchField = `${plan.name}Search`;
    hubs.push({
      subgraph: plan.name,
      type: hub.name,
      queryField: hubField,
      scalars: hub.fields.slice(2, 4).map((f) => f.name),
      contributions: contributions[i],
    });
    return {
      name: plan.name,
      queryFields: [
        { name: hubField, type: hub.name, args: 'id: ID!', guard: guard(`Query.${hubField}`, 0.1) },
        { name: searchField, type: `[${entities[1 % entities.length].name}!]!`, args: `filter: ${plan.inputs[0]}, first: Int = 20`, guard: guard(`Query.${searchField}`, 0.1) },
      ],
      types: [...entities, ...objects, ...enums, ...inputs],
      foreign: [...foreign].map(([name, fields]) => ({ name, fields })),
    };
  });

  return { options: resolved, subgraphs, hubs, typeNames: plans.flatMap((p) => [...p.entities, ...p.objects, ...p.enums, ...p.inputs]), guarded };
}

/** Names and counts per subgraph; the remainder of types / subgraphs goes to the first ones. */
function planSubgraphs(count: number, types: number): SubgraphPlan[] {
  const width = Math.max(3, String(count - 1).length);
  return Array.from({ length: count }, (_, i) => {
    const owned = Math.floor(types / count) + (i < types % count ? 1 : 0);
    const enums = Math.max(1, Math.round(owned * 0.1));
    const inputs = Math.max(1, Math.round(owned * 0.1));
    const entities = Math.max(1, Math.round(owned * 0.2));
    const objects = owned - enums - inputs - entities;
    const id = String(i).padStart(width, '0');
    const names = (words: readonly string[], n: number) => Array.from({ length: n }, (_, j) => `S${id}_${numbered(words, j)}`);
    return {
      name: `sg${id}`,
      entities: names(ENTITY_WORDS, entities),
      objects: names(OBJECT_WORDS, objects),
      enums: names(ENUM_WORDS, enums),
      inputs: names(INPUT_WORDS, inputs),
    };
  });
}

/** With probability `share`: @authenticated (36%), @requiresScopes (43%) or @policy (21%). */
function drawGuard(random: SeededRandom, share: number): Guard | undefined {
  if (!random.chance(share)) return undefined;
  const kind = random.next();
  if (kind < 0.36) return { kind: 'authenticated' };
  if (kind < 0.79) {
    const [a, b] = random.sample(SCALE_SCOPES, 2);
    const shape = random.next();
    return { kind: 'requiresScopes', scopes: shape < 0.7 ? [[a]] : shape < 0.85 ? [[a, b]] : [[a], [b]] };
  }
  return { kind: 'policy', policies: [[random.pick(SCALE_POLICIES).name]] };
}
