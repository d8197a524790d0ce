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

describe('InflightRequests: callers that go away', () => {
  /** A send that stays in flight until released, and reports whether it was aborted. */
  function controllable() {
    const seen: { signal?: AbortSignal; sent: number } = { sent: 0 };
    let release!: (v: string) => void;
    const send = (signal: AbortSignal) => {
      seen.sent++;
      seen.signal = signal;
      return new Promise<string>((resolve) => {
        release = resolve;
        signal.addEventListener('abort', () => resolve('aborted'));
      });
    };
    return { seen, send, release: (v: string) => release(v) };
  }

  it('rejects only the caller that left, with its reason, and the send goes on for the others', async () => {
    const inflight = new InflightRequests<string>();
    const { seen, send, release } = controllable();
    const leaving = new AbortController();
    const left = inflight.run('k', send, leaving.signal);
    const stays = inflight.run('k', send, new AbortController().signal);
    const noSignal = inflight.run('k', send);
    leaving.abort(new Error('gone'));
    await expect(left).rejects.toThrow('gone');
    expect(seen.signal?.aborted).toBe(false);
    release('answer');
    await expect(stays).resolves.toBe('answer');
    await expect(noSignal).resolves.toBe('answer');
    expect(seen.sent).toBe(1);
  });

  it('aborts the send once every caller has left, and a new caller starts a new send', async () => {
    const inflight = new InflightRequests<string>();
    const { seen, send, release } = controllable();
    const callers = [new AbortController(), new AbortController()];
    // Settled at once into values, so a failing assertion below cannot leave a rejection unhandled.
    const pending = callers.map((c) => inflight.run('k', send, c.signal).then(() => 'resolved', () => 'rejected'));
    const first = seen.signal;
    callers[0].abort();
    expect(first?.aborted).toBe(false);
    callers[1].abort();
    expect(first?.aborted).toBe(true);
    expect(await Promise.all(pending)).toEqual(['rejected', 'rejected']);
    const again = inflight.run('k', send, new AbortController().signal);
    expect(seen.sent).toBe(2);
    expect(seen.signal).not.toBe(first);
    release('fresh');
    await expect(again).resolves.toBe('fresh');
  });

  it('never aborts a send that has a caller without a signal', () => {
    const inflight = new InflightRequests<string>();
    const { seen, send } = controllable();
    const leaving = new AbortController();
    inflight.run('k', send).catch(() => undefined);
    inflight.run('k', send, leaving.signal).catch(() => undefined);
    leaving.abort();
    expect(seen.signal?.aborted).toBe(false);
  });

  it('sends nothing for a caller whose signal had already aborted', async () => {
    const inflight = new InflightRequests<string>();
    const { seen, send } = controllable();
    await expect(inflight.run('k', send, AbortSignal.abort(new Error('already gone')))).rejects.toThrow('already gone');
    expect(seen.sent).toBe(0);
  });
});
