/** The descriptor's lifecycle (experimental, active, deprecated, retired…) as a coloured badge. */
export function LifecycleBadge({ lifecycle }: { lifecycle: string }) {
  const known = ['experimental', 'active', 'deprecated', 'retired'].includes(lifecycle) ? lifecycle : 'other';
  return <span className={`badge lifecycle-${known}`}>{lifecycle}</span>;
}
