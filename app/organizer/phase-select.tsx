import type { ComponentProps } from "react";

/** A labelled "Phase" drop-down of the given phases (by name); the rest of the props go to the <select>. */
export function PhaseSelect({ phases, ...select }: { phases: { id: string; name: string }[] } & ComponentProps<"select">) {
  return (
    <label className="text-sm">
      <span className="block text-xs text-stone-600">Phase</span>
      <select {...select}>
        {phases.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
