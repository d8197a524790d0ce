/**
 * The publisher of the reload scenario: a new revision of one subgraph's schema (a description,
 * see revisions.ts) published to the registry on a schedule, as a team's pipeline would, each
 * publish timed on the benchmark's clock when the mutation's response arrives.
 */
import type { Publish } from './latency.js';
import { refusal, type Published, type RunningRegistry } from './registry.js';
import { reviseDescription, REVISED } from './revisions.js';

export interface Publisher {
  /** The id of the latest supergraph the registry accepted. */
  readonly currentId: string;
  /** Publishes at `start + offset` for each offset (performance.now() times); none after `deadline`. */
  run(start: number, offsets: readonly number[], deadline: number): Promise<Publish[]>;
}

export function createPublisher(registry: RunningRegistry, base: Published, initialId: string): Publisher {
  let revision = 0;
  let currentId = initialId;
  const publishNext = async (): Promise<Publish> => {
    revision++;
    const sdl = reviseDescription(base.sdl, REVISED.type, revision);
    const sent = performance.now();
    const done = (fields: Partial<Publish>): Publish => {
      const at = performance.now();
      return { revision, publishedAt: at, publishMs: at - sent, ...fields };
    };
    try {
      // The running subgraph still serves the original schema: only a description differs, so skipping its check is safe here.
      const result = await registry.client.publish({ ...base, sdl, label: `bench-revision-${revision}`, skipRunningCheck: true });
      if (!result.ok) return done({ refused: refusal(result.report) });
      if (result.unchanged || !result.supergraph) return done({ refused: 'the registry kept the served supergraph' });
      currentId = result.supergraph.id;
      return done({ id: result.supergraph.id });
    } catch (error) {
      return done({ refused: `publish failed: ${(error as Error).message}` });
    }
  };
  return {
    get currentId() {
      return currentId;
    },
    async run(start, offsets, deadline) {
      const publishes: Publish[] = [];
      for (const offset of offsets) {
        const wait = start + offset - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        // A slow publish delays the next ones; one that would land too late to be observed is left out.
        if (performance.now() > deadline) break;
        publishes.push(await publishNext());
      }
      return publishes;
    },
  };
}
