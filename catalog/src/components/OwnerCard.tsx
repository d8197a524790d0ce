import type { Owner } from '../api/types';

/** Who owns the data product and how to reach them, straight from its descriptor. */
export function OwnerCard({ owner }: { owner: Owner }) {
  return (
    <section className="card owner" aria-label="Owner">
      <h2>Owner</h2>
      <dl>
        <dt>Team</dt>
        <dd>{owner.team}</dd>
        <dt>Contact</dt>
        <dd>
          <a href={`mailto:${owner.contact}`}>{owner.contact}</a>
        </dd>
        <dt>Channel</dt>
        <dd>
          <code>{owner.channel}</code>
        </dd>
      </dl>
    </section>
  );
}
