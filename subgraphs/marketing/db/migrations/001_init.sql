-- Marketing's own tables. Money is numeric (exact); ids are integers, exposed as GraphQL IDs.
-- Products belong to inventory and customers to customer service: marketing holds their ids
-- only, so there is no foreign key to them (another domain's database is not ours to check).
CREATE TABLE campaigns (
  id integer PRIMARY KEY,
  name text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'SOCIAL', 'SEARCH', 'DISPLAY', 'TV', 'IN_STORE')),
  status text NOT NULL CHECK (status IN ('DRAFT', 'SCHEDULED', 'ACTIVE', 'PAUSED', 'ENDED')),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz CHECK (ends_at > starts_at),
  budget numeric(12, 2) NOT NULL CHECK (budget >= 0)
);

-- Serves the campaigns list, filtered by status or not, in its order.
CREATE INDEX campaigns_status_idx ON campaigns (status, starts_at DESC, id DESC);

CREATE TABLE promotions (
  id integer PRIMARY KEY,
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  product_id integer NOT NULL,
  discount_percent numeric(5, 2) NOT NULL CHECK (discount_percent > 0 AND discount_percent <= 100),
  UNIQUE (campaign_id, product_id)
);

CREATE INDEX promotions_product_idx ON promotions (product_id);

CREATE TABLE segments (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE,
  description text NOT NULL
);

CREATE TABLE campaign_segments (
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  segment_id integer NOT NULL REFERENCES segments (id),
  PRIMARY KEY (campaign_id, segment_id)
);

CREATE TABLE segment_members (
  segment_id integer NOT NULL REFERENCES segments (id),
  customer_id integer NOT NULL,
  PRIMARY KEY (segment_id, customer_id)
);

CREATE INDEX segment_members_customer_idx ON segment_members (customer_id, segment_id);

-- One row per customer and channel they answered; no row means never asked, i.e. refused.
CREATE TABLE marketing_consents (
  customer_id integer NOT NULL,
  channel text NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'PHONE', 'POST')),
  granted boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (customer_id, channel)
);
