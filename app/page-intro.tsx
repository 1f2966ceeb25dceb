import type { ReactNode } from "react";

/**
 * The top of a page: its one <h1> and the text under it, as a section named by that heading (the
 * e2e specs find pages by it). `className` spaces the intro's children; the home page also passes
 * its larger heading.
 */
export function PageIntro(props: { title: ReactNode; className?: string; titleClassName?: string; children?: ReactNode }) {
  return (
    <section aria-labelledby="title" className={props.className ?? "space-y-3"}>
      <h1 id="title" className={props.titleClassName ?? "text-3xl font-bold tracking-tight"}>
        {props.title}
      </h1>
      {props.children}
    </section>
  );
}
