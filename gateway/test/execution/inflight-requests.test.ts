import { parse } from 'graphql';
import { InflightRequests, isMutation, sharingKey } from '../../src/execution/inflight-requests.js';

const VOLATILE = new Set(['x-ts', 'x-sig']);

describe('sharingKey', () => {
  const base = { 'content-type': 'application/json', 'x-principal': 'alice', 'x-ts': '1', 'x-sig': 'a' };
  it.each([
    ['the same request', base, '{"query":"{a}"}', true],
    ['headers in another order', { 'x-sig': 'a', 'x-principal': 'alice', 'x-ts': '1', 'content-type': 'application/json' }, '{"query":"{a}"}', true],
    ['another signature timestamp and MAC (volatile)', { ...base, 'x-ts': '2', 'x-sig': 'b' }, '{"query":"{a}"}', true],
    ['header names in another case', { 'Content-Type': 'application/json', 'X-Principal': 'alice', 'x-ts': '1', 'x-sig': 'a' }, '{"query":"{a}"}', true],
    ['another caller', { ...base, 'x-principal': 'bob' }, '{"query":"{a}"}', false],
    ['one header more', { ...base, 'x-tenant': 't1' }, '{"query":"{a}"}', false],
    ['another body', base, '{"query":"{b}"}', false],
    ['other variables', base, '{"query":"{a}","variables":{"id":2}}', false],
  ])('%s: shares = %s', (_label, headers, body, shares) => {
    expect(sharingKey(body, headers, VOLATILE) === sharingKey('{"query":"{a}"}', base, VOLATILE)).toBe(shares);
  });

  it('cannot be forged by moving text between a header value and the body', () => {
    const a = sharingKey('x\n\n{"query":"{a}"}', { h: 'v' }, VOLATILE);
    const b = sharingKey('{"query":"{a}"}', { h: 'v\n\nx' }, VOLATILE);
    expect(a).not.toBe(b);
  });
});

describe('isMutation', () => {
  it.each([
    ['{ products { id } }', false],
    ['query Q { products { id } }', false],
    ['mutation { adjustStock(delta: 1) { id } }', true],
    ['  mutation M($d: Int) { adjustStock(delta: $d) { id } }', true],
    ['query mutationLike { mutationField }', false],
    ['subscription { changed }', false],
  ])('%s -> %s (from the text, and from the parsed document)', (query, expected) => {
    expect(isMutation(query)).toBe(expected);
    expect(isMutation('', parse(query))).toBe(expected);
  });
});

describe('InflightRequests', () => {
  it('runs one request for callers that ask while it is in flight, and a new one after it settled', async () => {
    const inflight = new InflightRequests<number>();
    let sent = 0;
    let release!: (v: number) => void;
    const send = () => {
      sent++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const together = [inflight.run('k', send), inflight.run('k', send), inflight.run('k', send)];
    expect(sent).toBe(1);
    release(42);
    expect(await Promise.all(together)).toEqual([42, 42, 42]);
    const later = inflight.run('k', send);
    expect(sent).toBe(2);
    release(43);
    expect(await later).toBe(43);
    expect(inflight.stats).toEqual({ sent: 2, shared: 2 });
  });

  it('keeps different keys apart, and shares a failure only with those who waited for it', async () => {
    const inflight = new InflightRequests<string>();
    const failing = inflight.run('a', () => Promise.reject(new Error('down')));
    const waiting = inflight.run('a', () => Promise.resolve('unused'));
    const other = inflight.run('b', () => Promise.resolve('b'));
    await expect(failing).rejects.toThrow('down');
    await expect(waiting).rejects.toThrow('down');
    await expect(other).resolves.toBe('b');
    await expect(inflight.run('a', () => Promise.resolve('again'))).resolves.toBe('again');
  });
});
