/**
 * What a route's loading.tsx shows while its page reads data: the page's heading, which is known
 * at once, and grey bars where the content will go. Announced once to screen readers.
 */
export function PageSkeleton({ title, what, rows = 6 }: { title: string; what: string; rows?: number }) {
  return (
    <section aria-busy="true" aria-labelledby="title">
      <h1 id="title" className="text-3xl font-bold tracking-tight">
        {title}
      </h1>
      <p role="status" className="mt-2 text-sm text-stone-500">
        Loading {what}…
      </p>
      <div aria-hidden="true" className="mt-6 animate-pulse space-y-3 motion-reduce:animate-none">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="h-8 rounded bg-stone-200" style={{ width: `${100 - (i % 3) * 12}%` }} />
        ))}
      </div>
    </section>
  );
}
