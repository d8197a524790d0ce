import { parse } from 'graphql';
import { scanDocument } from '../../src/limits/nesting-scan.js';

describe('the nesting scan before parsing', () => {
  it.each<[string, number, string]>([
    ['a flat operation', 1, '{ a b c }'],
    ['selection sets', 3, '{ a { b { c } } }'],
    ['arguments and list values', 5, '{ a(x: [[1], [2, [3]]]) }'],
    ['input objects', 4, '{ a(x: { y: { z: 1 } }) }'],
    ['list types in variable definitions', 3, 'query ($v: [[Int!]]) { a }'],
    ['braces inside a string do not count', 2, '{ a(x: "{{{{[[[[((((") }'],
    ['braces inside a block string do not count', 2, '{ a(x: """ {{{{ """) }'],
    ['braces inside a comment do not count', 1, '{ a # {{{{{{{{\n }'],
    ['an unbalanced closer does not hide what follows', 2, '} } } { a { b } }'],
  ])('%s: nesting %i', (_name, nesting, query) => {
    expect(scanDocument(query, 0)).toMatchObject({ kind: 'scanned', nesting });
  });

  it.each<[string, string]>([
    ['an operation', '{ a(x: 1, y: "s") @include(if: true) { ...F } } fragment F on T { b }'],
    ['a document with comments and a block string', '# comment\nquery Q($v: Int = 3) {\n  a(x: """\n  text\n  """) # trailing\n}'],
    ['the empty document', ''],
  ])('counts tokens as the parser does: %s', (_name, query) => {
    const scan = scanDocument(query, 0);
    let tokenCount = 0;
    try {
      tokenCount = parse(query).tokenCount ?? -1;
    } catch {
      // The empty document does not parse; its token count is still 0.
    }
    expect(scan).toMatchObject({ kind: 'scanned', tokens: tokenCount });
  });

  it('stops after maxTokens: "more than" is all it knows', () => {
    expect(scanDocument('{ a b c }', 5)).toEqual({ kind: 'scanned', tokens: 5, nesting: 1 });
    expect(scanDocument('{ a b c d }', 5)).toEqual({ kind: 'too-many-tokens', maxTokens: 5 });
  });

  it('leaves a lexical error to the parser, which reports it with its location', () => {
    expect(scanDocument('{ a(x: "unterminated) }', 0)).toEqual({ kind: 'lexical-error' });
    expect(scanDocument('{ a ~ }', 0)).toEqual({ kind: 'lexical-error' });
  });

  it('scans a document nested far beyond what the parser survives, without recursion', () => {
    expect(scanDocument(`{ a(x: ${'['.repeat(100_000)}${']'.repeat(100_000)}) }`, 0)).toMatchObject({ kind: 'scanned', nesting: 100_002 });
  });
});
