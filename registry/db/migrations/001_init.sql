-- The schema registry: every published version of every subgraph, every composed supergraph,
-- and the usage the gateways report. Rows are only ever added (usage counts only grow): history
-- is the record an operator rolls back from.

-- One row per version of a subgraph. A rollback copies an older version into a new row; a removal
-- is a row too (copying the last contract, so history shows what went), and a removed subgraph is
-- one whose latest row says 'remove'.
CREATE TABLE subgraph_versions (
  name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]*$'),
  version integer NOT NULL CHECK (version > 0),
  url text NOT NULL,
  sdl text NOT NULL,
  descriptor jsonb NOT NULL,
  publisher text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  label text,
  action text NOT NULL CHECK (action IN ('publish', 'rollback', 'remove')),
  -- The primary key's index also serves "latest version of each name" and a name's history.
  PRIMARY KEY (name, version)
);

-- One row per composition the registry ran on behalf of a change: accepted ones were served,
-- refused ones are kept with the reason. The same supergraph can be composed again (a rollback),
-- so the composition id is not unique; `seq` orders them.
CREATE TABLE supergraphs (
  seq bigserial PRIMARY KEY,
  id text NOT NULL,
  sdl text,
  created_at timestamptz NOT NULL DEFAULT now(),
  accepted boolean NOT NULL,
  reason text,
  -- [{ "name": "inventory", "version": 3 }, ...]: the subgraph versions it was composed from.
  inputs jsonb NOT NULL,
  publisher text NOT NULL
);

-- The latest accepted supergraph is asked for on every gateway poll.
CREATE INDEX supergraphs_accepted_seq ON supergraphs (seq DESC) WHERE accepted;

-- How often each client used each schema coordinate on each UTC day; reports add to the count.
CREATE TABLE usage (
  day date NOT NULL,
  client_name text NOT NULL,
  client_version text NOT NULL,
  coordinate text NOT NULL,
  count bigint NOT NULL CHECK (count >= 0),
  PRIMARY KEY (day, client_name, client_version, coordinate)
);

-- Checks ask "who used these coordinates since that day".
CREATE INDEX usage_coordinate_day ON usage (coordinate, day);
