import type { Classification } from '../api/types';

/** A classified field's level (internal, confidential, restricted…), its categories and reason on hover. */
export function ClassificationBadge({ classification }: { classification: Classification }) {
  const level = ['public', 'internal', 'confidential', 'restricted'].includes(classification.level) ? classification.level : 'other';
  const categories = classification.categories.length ? ` (${classification.categories.join(', ')})` : '';
  return (
    <span className={`badge classification-${level}`} title={`${classification.reason}${categories}`}>
      {classification.level}
      {categories}
    </span>
  );
}
