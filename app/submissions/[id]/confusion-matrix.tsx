/**
 * A confusion matrix as a heat-map grid: rows are the true class, columns the predicted one,
 * each cell shaded by its share of the row (so rare classes are as readable as common ones)
 * and labelled with its count. A real table, so screen readers announce row and column.
 */
export function ConfusionMatrix({ title, classes, matrix }: { title: string; classes: readonly string[]; matrix: number[][] | null }) {
  // Withheld until the private reveal: one crafted CSV would read single images' labels from it.
  if (matrix === null) {
    return (
      <figure className="space-y-2" data-testid="confusion-withheld">
        <figcaption className="text-sm font-semibold">{title}: confusion matrix</figcaption>
        <div className="flex min-h-32 items-center justify-center rounded border border-dashed border-stone-300 bg-stone-50 p-4 text-center text-sm text-stone-600">
          Withheld until the private reveal ({classes.join(", ")})
        </div>
      </figure>
    );
  }
  return (
    <figure className="space-y-2">
      <div className="relative overflow-x-auto">
        <table className="border-collapse text-xs tabular-nums">
          <caption className="mb-1 text-left text-sm font-semibold">{title}: confusion matrix</caption>
          <thead>
            <tr>
              <td className="p-1 text-right text-[10px] leading-tight text-stone-500">true ↓ / predicted →</td>
              {classes.map((c) => (
                <th key={c} scope="col" className="p-1 text-center font-mono font-medium">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.map((row, i) => {
              const total = row.reduce((a, b) => a + b, 0);
              return (
                <tr key={classes[i]}>
                  <th scope="row" className="p-1 pr-2 text-right font-mono font-medium">
                    {classes[i]}
                  </th>
                  {row.map((n, j) => {
                    const share = total > 0 ? n / total : 0;
                    const diagonal = i === j;
                    // Teal on the diagonal (right), red off it (wrong). Dark text on every cell: the
                    // shade stops at 80% so the numbers keep at least 4.6:1 (a white-on-shade flip
                    // fell to 3.7:1 around the switch).
                    const hue = diagonal ? "13, 148, 136" : "220, 38, 38";
                    return (
                      <td
                        key={j}
                        className="h-10 min-w-12 border border-white p-1 text-center text-stone-900"
                        style={{ backgroundColor: `rgba(${hue}, ${n === 0 ? 0.04 : 0.12 + 0.68 * share})` }}
                        aria-label={`true ${classes[i]}, predicted ${classes[j]}: ${n} (${(100 * share).toFixed(0)}% of true ${classes[i]})`}
                      >
                        {n.toLocaleString("en")}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <figcaption className="text-xs text-stone-500">
        Shade: share of the row (the true class). Diagonal cells are correct predictions.
      </figcaption>
    </figure>
  );
}
