import { buildSchema, parse, print } from 'graphql';
import { addTypeProbes, stripTypeProbes, TYPE_PROBE } from '../../src/governance/type-probe.js';

const schema = buildSchema(`
  interface Post { id: ID! }
  type PublicBlog implements Post { id: ID! title: String }
  type PrivateBlog implements Post { id: ID! title: String }
  union Result = PublicBlog | PrivateBlog
  type Query { posts: [Post!]! search: [Result] blog: PublicBlog }
`);
const strip = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('type probes', () => {
  it.each([
    ['an interface list', '{ posts { id } }', `{ posts { id ${TYPE_PROBE}: __typename } }`, true],
    ['a union', '{ search { ... on PublicBlog { title } } }', `{ search { ... on PublicBlog { title } ${TYPE_PROBE}: __typename } }`, true],
    ['a concrete type only', '{ blog { title } }', '{ blog { title } }', false],
  ])('adds the probe to %s', (_name, query, expected, probed) => {
    const result = addTypeProbes(schema, parse(query));
    expect(strip(print(result.document))).toBe(strip(print(parse(expected))));
    expect(result.probed).toBe(probed);
  });

  it('removes every probe, keeps everything else, and copies only what changed', () => {
    const untouched = { id: '3' };
    const data = { posts: [{ id: '1', [TYPE_PROBE]: 'PublicBlog' }, untouched], other: { nested: [{ [TYPE_PROBE]: 'X', a: 1 }] } };
    const stripped = stripTypeProbes(data) as typeof data;
    expect(stripped).toEqual({ posts: [{ id: '1' }, { id: '3' }], other: { nested: [{ a: 1 }] } });
    expect(stripped.posts[1]).toBe(untouched);
    expect(data.posts[0]).toHaveProperty(TYPE_PROBE);
  });
});
