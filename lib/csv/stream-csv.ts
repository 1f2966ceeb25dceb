import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { neutraliseFormula } from "./neutralise-formula";

export type CsvCell = string | number | boolean | Date | null | undefined;

/** A cell as written: dates as ISO 8601 UTC, null as empty, text guarded against formulas. */
export function csvCell(value: CsvCell): string | number | boolean {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return neutraliseFormula(value);
  return value;
}

/**
 * A CSV file as a web stream: the header row, then the rows as the iterator yields them, so an
 * export of a million download-log rows never sits in memory (the iterators page through the
 * database). Cells holding a separator of another locale (`;`, tab, `|`) are quoted too, so a
 * spreadsheet that honours quotes keeps them in one cell.
 */
export function streamCsv(options: { header: readonly string[]; rows: AsyncIterable<readonly CsvCell[]> }): ReadableStream<Uint8Array> {
  const { header, rows } = options;
  async function* records() {
    yield header.map((h) => csvCell(h));
    for await (const row of rows) yield row.map(csvCell);
  }
  const stringifier = stringify({ quoted_match: /[;\t|]/ });
  const source = Readable.from(records());
  source.on("error", (error) => stringifier.destroy(error));
  return Readable.toWeb(source.pipe(stringifier)) as ReadableStream<Uint8Array>;
}

/**
 * Pages through a table by id (keyset, not offset: stable and cheap on both engines while rows
 * are added). `fetch` returns up to `size` rows with id greater than `after`, ordered by id.
 */
export async function* pageById<T extends { id: string }>(
  fetch: (after: string | undefined, size: number) => Promise<T[]>,
  size = 500,
): AsyncGenerator<T> {
  let after: string | undefined;
  for (;;) {
    const batch = await fetch(after, size);
    yield* batch;
    if (batch.length < size) return;
    after = batch[batch.length - 1].id;
  }
}
