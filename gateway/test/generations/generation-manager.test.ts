import { captureLogs } from '../../../test/support/logs.js';
import { GenerationManager, publicReason } from '../../src/generations/generation-manager.js';
import { supergraphId } from '../../src/generations/generation.js';
import type { SupergraphUpdate } from '../../src/supergraph/source.js';

/** A generation that records when it is closed. */
interface FakeGeneration {
  id: string;
  sdl: string;
  closed: boolean;
  close(): Promise<void>;
}

const update = (sdl: string): SupergraphUpdate => ({ sdl });

/** A manager whose builds succeed, except for SDLs containing "refuse" (refused with that text). */
function manager(build?: (update: SupergraphUpdate) => Promise<FakeGeneration>) {
  const built: FakeGeneration[] = [];
  const { logger, lines } = captureLogs();
  const generations = new GenerationManager<FakeGeneration>({
    source: 'registry',
    logger,
    clock: () => Date.parse('2024-05-01T12:00:00Z'),
    build:
      build ??
      (async ({ sdl }) => {
        if (sdl.includes('refuse')) throw new Error(`governance says no to ${sdl} (see /srv/meshgate/gateway/meshgate.config.ts, http://10.0.0.7:4500/supergraph)`);
        const generation: FakeGeneration = {
          id: supergraphId(sdl),
          sdl,
          closed: false,
          close: async () => {
            generation.closed = true;
          },
        };
        built.push(generation);
        return generation;
      }),
  });
  return { generations, built, lines };
}

describe('GenerationManager', () => {
  it('serves the first supergraph, then swaps in a new one whole and logs the swap', async () => {
    const { generations, built, lines } = manager();
    await generations.apply(update('A'));
    expect(generations.current?.sdl).toBe('A');
    await generations.apply(update('B'));
    expect(generations.current?.sdl).toBe('B');
    expect(generations.status()).toEqual({ id: supergraphId('B'), source: 'registry' });
    expect(lines.find((l) => l.msg === 'supergraph swapped')).toMatchObject({ from: supergraphId('A'), to: supergraphId('B'), prepareMs: expect.any(Number) });
    // Nobody held A: it closes at once.
    await new Promise((resolve) => setImmediate(resolve));
    expect(built.map((g) => [g.sdl, g.closed])).toEqual([
      ['A', true],
      ['B', false],
    ]);
  });

  it('keeps serving the current generation when a new supergraph is refused, and reports why without URLs or paths', async () => {
    const { generations, lines } = manager();
    await generations.apply(update('A'));
    await expect(generations.apply(update('refuse-me'))).rejects.toThrow('governance says no');
    expect(generations.current?.sdl).toBe('A');
    expect(generations.status()).toEqual({
      id: supergraphId('A'),
      source: 'registry',
      lastError: { id: supergraphId('refuse-me'), at: '2024-05-01T12:00:00.000Z', reason: 'governance says no to refuse-me (see meshgate.config.ts, <url>)' },
    });
    expect(lines.find((l) => l.msg === 'supergraph refused: the current generation keeps serving')).toMatchObject({ id: supergraphId('refuse-me'), current: supergraphId('A') });
    // A later good supergraph still swaps in.
    await generations.apply(update('B'));
    expect(generations.current?.sdl).toBe('B');
  });

  it('closes a replaced generation only once the last request holding it is done', async () => {
    const { generations, built } = manager();
    await generations.apply(update('A'));
    const first = generations.acquire();
    const second = generations.acquire();
    await generations.apply(update('B'));
    const onB = generations.acquire();
    expect([first.generation.sdl, onB.generation.sdl]).toEqual(['A', 'B']);
    expect(generations.inFlight(first.generation)).toBe(2);
    first.release();
    first.release(); // idempotent: does not count for `second`
    await new Promise((resolve) => setImmediate(resolve));
    expect(built[0].closed).toBe(false);
    second.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(built[0].closed).toBe(true);
    onB.release();
    expect(built[1].closed).toBe(false);
  });

  it('ignores a supergraph identical to the one serving (same SDL and descriptors)', async () => {
    const { generations, built } = manager();
    await generations.apply(update('A'));
    await generations.apply(update('A'));
    expect(built).toHaveLength(1);
  });

  it('applies updates one at a time, in order, even when they arrive together', async () => {
    const order: string[] = [];
    const { generations } = manager(async ({ sdl }) => {
      order.push(`start ${sdl}`);
      await new Promise((resolve) => setTimeout(resolve, sdl === 'A' ? 30 : 1));
      order.push(`end ${sdl}`);
      return { id: supergraphId(sdl), sdl, closed: false, close: async () => undefined };
    });
    await Promise.all([generations.apply(update('A')), generations.apply(update('B'))]);
    expect(order).toEqual(['start A', 'end A', 'start B', 'end B']);
    expect(generations.current?.sdl).toBe('B');
  });

  it('closes every generation on stop, held or not, and one still being prepared when it is ready', async () => {
    let finish: (() => void) | undefined;
    const closed: string[] = [];
    const { generations } = manager(async ({ sdl }) => {
      if (sdl === 'C') await new Promise<void>((resolve) => (finish = resolve));
      return {
        id: supergraphId(sdl),
        sdl,
        closed: false,
        close: async () => {
          closed.push(sdl);
        },
      };
    });
    await generations.apply(update('A'));
    const held = generations.acquire();
    await generations.apply(update('B'));
    const preparing = generations.apply(update('C'));
    await new Promise((resolve) => setImmediate(resolve));
    const stopped = generations.stop();
    finish?.();
    await Promise.all([stopped, preparing]);
    expect(closed.sort()).toEqual(['A', 'B', 'C']);
    expect(generations.current).toBeUndefined();
    held.release();
    expect(closed).toHaveLength(3);
  });

  it('refuses to lease before the first generation, saying why', () => {
    const { generations } = manager();
    expect(() => generations.acquire()).toThrow('no generation serves yet');
  });
});

describe('publicReason', () => {
  it.each([
    ['Cannot read the contract of subgraph "x" at /work/main/subgraphs/x/schema.graphql: ENOENT', 'Cannot read the contract of subgraph "x" at schema.graphql: ENOENT'],
    ['No supergraph from the registry at http://10.1.2.3:4500 within 5 ms', 'No supergraph from the registry at <url> within 5 ms'],
    ['policy "pii" is not decided', 'policy "pii" is not decided'],
    ['Product.unitCost is classified sensitive', 'Product.unitCost is classified sensitive'],
  ])('%j -> %j', (message, expected) => {
    expect(publicReason(message)).toBe(expected);
  });
});
