import type { DownloadLogRow } from "@/lib/organizer/list-download-logs";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { formatBytes } from "@/lib/format/format-bytes";
import { DataTable, type DataTableColumn } from "../data-table";

const COLUMNS: DataTableColumn[] = [
  { label: "When" },
  { label: "Who" },
  { label: "File" },
  { label: "Bytes sent", className: "text-right" },
  { label: "Range" },
  { label: "IP" },
];

/** The licence's audit trail: who downloaded which file, how much of it. */
export function DownloadsTable({ rows }: { rows: DownloadLogRow[] }) {
  if (rows.length === 0) return <p className="text-sm text-stone-600">Nobody has downloaded anything yet.</p>;
  return (
    <DataTable caption="Latest dataset downloads, newest first" columns={COLUMNS} smallHeader>
      {rows.map((r) => (
        <tr key={r.id} className="border-b border-stone-100" data-testid="organizer-download-row">
          <td className="whitespace-nowrap px-3 py-2 text-xs text-stone-600">{formatUtc(r.createdAt)}</td>
          <td className="px-3 py-2 text-xs">{r.user.email}</td>
          <td className="px-3 py-2 font-mono text-xs">{r.fileName}</td>
          <td
            className="whitespace-nowrap px-3 py-2 text-right tabular-nums"
            title={`${r.bytesServed.toLocaleString("en")} of ${r.fileSize.toLocaleString("en")} bytes`}
          >
            {formatBytes(r.bytesServed)} <span className="text-xs text-stone-500">of {formatBytes(r.fileSize)}</span>
          </td>
          <td className="px-3 py-2 font-mono text-xs text-stone-500">{r.rangeHeader ?? "—"}</td>
          <td className="px-3 py-2 font-mono text-xs text-stone-500">{r.ip || "—"}</td>
        </tr>
      ))}
    </DataTable>
  );
}
