import { requestIdOf } from '../../src/telemetry/request-id.js';

const GENERATED = 'generated-id';
const generate = () => GENERATED;

describe('requestIdOf', () => {
  it.each([
    ['a UUID', '3f2b8c1e-8d7a-4a5e-9c1b-2f6e7d8a9b0c', true],
    ['letters, digits and . _ : -', 'abc.DEF_123:x-y', true],
    ['one character', 'a', true],
    ['128 characters', 'a'.repeat(128), true],
    ['129 characters', 'a'.repeat(129), false],
    ['empty', '', false],
    ['a space', 'abc def', false],
    ['a comma (a repeated header)', 'abc, def', false],
    ['a newline', 'abc\ndef', false],
    ['non-ASCII', 'abcé', false],
    ['a slash', 'a/b', false],
  ])('%s', (_what, header, kept) => {
    expect(requestIdOf(header, generate)).toBe(kept ? header : GENERATED);
  });

  it('generates one when the header is missing or repeated', () => {
    expect(requestIdOf(undefined, generate)).toBe(GENERATED);
    expect(requestIdOf(['a', 'b'], generate)).toBe(GENERATED);
  });

  it('generates a random UUID by default', () => {
    const id = requestIdOf(undefined);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestIdOf(undefined)).not.toBe(id);
  });
});
