"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { timeAxisTicks } from "@/lib/format/time-axis-ticks";
import type { ScoreSeries } from "@/lib/leaderboard/compute-score-series";

// Distinguishable on white and for the common colour-vision deficiencies (Okabe-Ito plus greys).
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442", "#7f7f7f", "#882255"];

/** Best public score so far of the leading participants; baselines as dashed reference lines. */
export function ScoreChart({ series }: { series: ScoreSeries }) {
  const scores = [...series.participants.flatMap((p) => p.points.map((x) => x.score)), ...series.baselines.map((b) => b.score)];
  const lo = Math.max(0, Math.floor((Math.min(...scores) - 0.02) * 20) / 20);
  const hi = Math.min(1, Math.ceil((Math.max(...scores) + 0.02) * 20) / 20);
  // Round UTC steps labelled "2 Dec 14:05" (short ranges) or "2 Dec": recharts' own ticks on a
  // time scale fall at arbitrary instants, which a date-only label turned into "12-02 12-02".
  const axis = timeAxisTicks({ start: series.start, end: series.end, maxTicks: 5 });
  return (
    <div className="h-80 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e7e5e4" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[series.start, series.end]}
            ticks={axis.ticks}
            tickFormatter={axis.label}
            allowDuplicatedCategory={false}
            fontSize={12}
          />
          <YAxis domain={[lo, hi]} tickFormatter={(v: number) => v.toFixed(2)} fontSize={12} width={44} />
          <Tooltip
            labelFormatter={(t) => new Date(Number(t)).toISOString().slice(0, 16).replace("T", " ") + " UTC"}
            formatter={(v) => (typeof v === "number" ? v.toFixed(4) : String(v))}
          />
          {/* In rank order, not alphabetical ("#10" would follow "#1"). */}
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
          {series.baselines.map((b) => (
            <ReferenceLine
              key={`b-${b.name}`}
              y={b.score}
              stroke="#78716c"
              strokeDasharray="6 4"
              label={{ value: `${b.name} ${b.score.toFixed(3)}`, position: "insideBottomLeft", fontSize: 11, fill: "#57534e" }}
            />
          ))}
          {series.participants.map((p, i) => (
            <Line
              key={`p-${p.rank}`}
              data={p.points}
              dataKey="score"
              name={`#${p.rank} ${p.name}`}
              type="stepAfter"
              stroke={COLOURS[i % COLOURS.length]}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
