import { useEffect, useState } from 'react';
import { navigate, searchHref } from '../router';

/** The search box: the address keeps the text (?q=), so a search can be shared and survives a reload. */
export function SearchBox({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  // Back/forward changes the route's text: follow it.
  useEffect(() => setText(initial), [initial]);
  useEffect(() => {
    if (text === initial) return;
    // A short pause so every keystroke is not a request.
    const timer = setTimeout(() => navigate(searchHref(text), { replace: true }), 200);
    return () => clearTimeout(timer);
  }, [text, initial]);
  return (
    <form className="search" role="search" onSubmit={(event) => { event.preventDefault(); navigate(searchHref(text), { replace: true }); }}>
      <label htmlFor="search-input" className="visually-hidden">
        Search products, types and fields
      </label>
      <input id="search-input" type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder="Search products, types and fields (e.g. stock, email, budget)" autoComplete="off" maxLength={200} />
    </form>
  );
}
