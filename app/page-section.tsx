import type { ReactNode } from "react";

const LOOKS = {
  plain: { section: "space-y-3", title: "text-xl font-semibold" },
  // The home page's larger headings.
  home: { section: "space-y-3", title: "text-2xl font-semibold" },
  // The account page's settings: each one a white card.
  card: { section: "space-y-4 rounded border border-stone-200 bg-white p-4", title: "text-lg font-semibold" },
};

/**
 * A titled part of a page: a <section> named by its <h2> (aria-labelledby), so screen readers list
 * it by title and the e2e specs find it by role and name. The defaults are the look of the content
 * pages (home, data, starter kit, CLI); `look="card"` is the account page's; `className` and
 * `titleClassName` replace a look's classes where one section differs; `testId` names it for the
 * e2e specs.
 */
export function PageSection(props: {
  id: string;
  title: ReactNode;
  look?: keyof typeof LOOKS;
  className?: string;
  titleClassName?: string;
  testId?: string;
  children: ReactNode;
}) {
  const look = LOOKS[props.look ?? "plain"];
  return (
    <section aria-labelledby={props.id} className={props.className ?? look.section} data-testid={props.testId}>
      <h2 id={props.id} className={props.titleClassName ?? look.title}>
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}
