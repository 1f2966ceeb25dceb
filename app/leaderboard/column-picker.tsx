"use client";
import { useId, useSyncExternalStore } from "react";

const STORAGE_KEY = "tiny-portraits:leaderboard-columns";
const CHANGED = "tiny-portraits:leaderboard-columns-changed";

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}
const readStored = () => {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? "";
  } catch {
    return ""; // storage disabled: the choice lasts for the page only
  }
};

/**
 * On phones the board shows Rank, Participant and Score; this picker adds other columns. The
 * choice is kept in localStorage and applied by a style rule rendered here (not by touching the
 * cached table HTML), so it survives moving between pages and sorts of the board.
 */
export function ColumnPicker({ columns }: { columns: readonly { key: string; label: string }[] }) {
  const id = useId();
  const stored = useSyncExternalStore(subscribe, readStored, () => "");
  const known = new Set(columns.map((c) => c.key));
  // Only known keys reach the style rule: the stored value is never trusted as CSS.
  const shown = stored.split(" ").filter((k) => known.has(k));
  const toggle = (key: string, on: boolean) => {
    const next = on ? [...new Set([...shown, key])] : shown.filter((k) => k !== key);
    try {
      localStorage.setItem(STORAGE_KEY, next.join(" "));
    } catch {
      /* storage disabled */
    }
    window.dispatchEvent(new Event(CHANGED));
  };
  // `.lb-table.lb-table` outranks the table's own `.lb-table [data-col]{display:none}`, which comes
  // later in the page (same specificity would let it win).
  const rules = shown.map((k) => `.lb-table.lb-table [data-col="${k}"]{display:table-cell}`).join("");
  return (
    <details className="rounded border border-stone-200 bg-white text-sm sm:hidden" data-testid="column-picker">
      {rules && <style>{`@media (max-width:639.98px){${rules}}`}</style>}
      <summary className="flex min-h-11 cursor-pointer items-center px-3 text-stone-700">
        Columns: Rank, Participant, Score{shown.length > 0 ? ` + ${shown.length} more` : ""}
      </summary>
      <fieldset className="grid grid-cols-2 gap-x-3 gap-y-1 border-t border-stone-200 px-3 py-2">
        <legend className="sr-only">Columns to show</legend>
        {columns.map((c) => (
          <label key={c.key} htmlFor={`${id}-${c.key}`} className="flex min-h-8 items-center gap-2">
            <input
              id={`${id}-${c.key}`}
              type="checkbox"
              className="size-5"
              checked={shown.includes(c.key)}
              onChange={(e) => toggle(c.key, e.target.checked)}
            />
            {c.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
