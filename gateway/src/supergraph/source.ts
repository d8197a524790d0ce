/**
 * Where the supergraph comes from. The gateway asks its source once at start-up; every
 * implementation returns the composed supergraph SDL or throws an error that explains why not.
 */
export interface SupergraphSource {
  /** Says where the supergraph comes from, for logs and the readiness endpoint. */
  readonly description: string;
  load(): Promise<string>;
}

export class SupergraphError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${message}\n  - ${problems.join('\n  - ')}` : message);
    this.name = 'SupergraphError';
  }
}
