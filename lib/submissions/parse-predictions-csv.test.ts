import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  MAX_REPORTED_ERRORS,
  formatCsvProblems,
  parsePredictionsCsv,
  type ParsePredictionsResult,
  type PredictionsCsvInput,
} from "./parse-predictions-csv";

const IDS = ["tp-0a1b2c3d4e5f", "tp-111111111111", "tp-222222222222"];
const HEADER = "Image_Id,Gender,Hair_Color,Hair_Type";
const ROWS = ["tp-0a1b2c3d4e5f,female,black,wavy", "tp-111111111111,male,bald,bald", "tp-222222222222,female,blond,straight"];
const VALID = [HEADER, ...ROWS].join("\n") + "\n";

function run(input: PredictionsCsvInput | string, options: { ids?: string[]; maxBytes?: number } = {}) {
  return parsePredictionsCsv({
    input: typeof input === "string" ? Buffer.from(input, "utf8") : input,
    expectedIds: options.ids ?? IDS,
    maxBytes: options.maxBytes ?? 1_000_000,
  });
}

function errorsOf(r: ParsePredictionsResult) {
  if (r.ok) throw new Error("expected the file to be rejected");
  return r.errors;
}

/** Expects exactly one error, on `line`, whose message matches `pattern`. */
async function expectOnly(input: PredictionsCsvInput | string, line: number | undefined, pattern: RegExp) {
  const errors = errorsOf(await run(input));
  expect(errors, JSON.stringify(errors, null, 1)).toHaveLength(1);
  expect(errors[0].line).toBe(line);
  expect(errors[0].message).toMatch(pattern);
}

/** A stream that yields the bytes in pieces of `size`, to exercise every chunk boundary. */
function streamOf(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

describe("parsePredictionsCsv: accepted variants", () => {
  const expected = new Map([
    ["tp-0a1b2c3d4e5f", { Gender: "female", Hair_Color: "black", Hair_Type: "wavy" }],
    ["tp-111111111111", { Gender: "male", Hair_Color: "bald", Hair_Type: "bald" }],
    ["tp-222222222222", { Gender: "female", Hair_Color: "blond", Hair_Type: "straight" }],
  ]);

  const variants: Record<string, string | Buffer> = {
    "plain LF": VALID,
    "no final newline": VALID.trimEnd(),
    CRLF: VALID.replace(/\n/g, "\r\n"),
    "CR only (old Mac)": VALID.replace(/\n/g, "\r"),
    "UTF-8 BOM": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID)]),
    "BOM + CRLF": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID.replace(/\n/g, "\r\n"))]),
    "every value quoted": VALID.replace(/[^,\n]+/g, (v) => `"${v}"`),
    "spaces around values, inside and outside quotes": [
      " Image_Id , Gender ,Hair_Color,Hair_Type ",
      '  tp-0a1b2c3d4e5f , female ," black ",wavy',
      '\t"tp-111111111111"\t,male,bald,bald',
      "tp-222222222222,female,blond,straight",
    ].join("\n"),
    "mixed case labels and header": VALID.replace("female,black", "FEMALE,Black").replace(HEADER, HEADER.toUpperCase()),
    "columns in another order": [
      "Hair_Type,Image_Id,Hair_Color,Gender",
      "wavy,tp-0a1b2c3d4e5f,black,female",
      "bald,tp-111111111111,bald,male",
      "straight,tp-222222222222,blond,female",
    ].join("\n"),
    "blank lines before, between and after": `\n${HEADER}\n\n${ROWS[0]}\n   \n${ROWS[1]}\n${ROWS[2]}\n\n\n`,
    "upper-cased id": VALID.replace("tp-0a1b2c3d4e5f", "TP-0A1B2C3D4E5F"),
  };

  for (const [name, input] of Object.entries(variants)) {
    it(`accepts ${name}`, async () => {
      const r = await run(input);
      expect(r.ok ? r : formatCsvProblems(r)).toEqual({ ok: true, predictions: expected, rows: 3 });
    });
  }

  it("accepts a stream split at every byte, and string chunks", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID.replace(/\n/g, "\r\n"))]);
    for (const size of [1, 2, 3, 5, 64]) {
      const r = await run(streamOf(bytes, size));
      expect(r.ok, `chunks of ${size}`).toBe(true);
    }
    const r = await run(Readable.from(VALID.match(/[\s\S]{1,7}/g)!));
    expect(r.ok).toBe(true);
  });

  it("accepts rows in any order and returns the map in test-set order", async () => {
    const r = await run([HEADER, ROWS[2], ROWS[0], ROWS[1]].join("\n"));
    expect(r.ok && [...r.predictions.keys()]).toEqual(IDS);
  });

  it("accepts a Set of expected ids, reuses its index, and refuses duplicate test ids", async () => {
    const ids = new Set(IDS);
    const first = await parsePredictionsCsv({ input: Buffer.from(VALID), expectedIds: ids, maxBytes: 1e6 });
    const again = await parsePredictionsCsv({
      input: Buffer.from(VALID.toUpperCase().replace(HEADER.toUpperCase(), HEADER)),
      expectedIds: ids,
      maxBytes: 1e6,
    });
    expect(first.ok && again.ok).toBe(true);
    await expect(run(VALID, { ids: [...IDS, IDS[0]] })).rejects.toThrow(/duplicate/);
  });
});

describe("parsePredictionsCsv: the malformed corpus", () => {
  const row = (i: number, values: string) => [HEADER, ...ROWS.map((r, j) => (j === i ? values : r))].join("\n");

  it("1. empty file", () => expectOnly("", undefined, /The file is empty/));
  it("2. only blank lines", () => expectOnly("\n\r\n  \n", undefined, /only blank lines/));
  it("3. header but no rows", () => expectOnly(HEADER + "\n", undefined, /header but no rows: expected 3 rows/));

  it("4. binary file (NUL byte), with its line", () =>
    expectOnly(Buffer.from(`${HEADER}\n${ROWS[0]}\nab\0cd\n`), 3, /NUL bytes.*binary file/));

  it("5. UTF-16 with BOM: save as UTF-8", () => expectOnly(Buffer.from("\ufeff" + VALID, "utf16le"), 1, /UTF-16.*save it as UTF-8/i));

  it("6. UTF-16 big-endian", () => expectOnly(Buffer.from([0xfe, 0xff, 0, 0x49]), 1, /UTF-16 \(big-endian\)/));

  it("7. invalid UTF-8 (Latin-1 é), with its line", () =>
    expectOnly(
      Buffer.from(`${HEADER}\n${ROWS[0]}\n${ROWS[1]}\ntp-222222222222,f\xe9male,blond,wavy\n`, "latin1"),
      4,
      /not valid UTF-8 \(byte 0xE9/,
    ));

  it("8. a UTF-8 character cut off by the end of the file", () =>
    expectOnly(Buffer.concat([Buffer.from(`${HEADER}\n${ROWS[0]}\nx`), Buffer.from([0xc3])]), 3, /not valid UTF-8 \(byte 0xC3/));

  it("9. an Excel workbook instead of a CSV", () =>
    expectOnly(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), 1, /zip archive.*xlsx.*CSV UTF-8/));

  it("10. over the size limit: Buffer (exact size) and stream (stops reading)", async () => {
    const big = Buffer.from(VALID);
    const e1 = errorsOf(await run(big, { maxBytes: 100 }));
    expect(e1).toEqual([{ message: expect.stringMatching(new RegExp(`size limit of 100 bytes: it is ${big.length} bytes`)) }]);
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1000, 0x61);
      }
    }
    const e2 = errorsOf(await run(endless(), { maxBytes: 5000 }));
    expect(e2[0].message).toMatch(/size limit of 5\.0 kB \(5,000 bytes\): reading stopped after 6\.0 kB \(6,000 bytes\)\./);
    expect(pulled).toBe(6);
  });

  it("11. wrong column count (too few and too many)", async () => {
    const errors = errorsOf(await run(`${HEADER}\n${ROWS[0]}\ntp-111111111111,male,bald\n${ROWS[2]},extra\n`));
    expect(errors).toEqual([
      { line: 3, message: "Found 3 values, expected 4 (Image_Id,Gender,Hair_Color,Hair_Type)." },
      { line: 4, message: "Found 5 values, expected 4 (Image_Id,Gender,Hair_Color,Hair_Type)." },
    ]);
  });

  it("12. unknown Image_Id", async () => {
    const errors = errorsOf(await run(row(1, "tp-999999999999,male,bald,bald")));
    expect(errors[0]).toEqual({ line: 3, message: 'Image_Id "tp-999999999999" is not in the test set.' });
    // ...and the id it replaced is then missing.
    expect(errors[1].message).toMatch(/^1 of the 3 test images has no prediction \(for example tp-111111111111\)/);
    expect(errors).toHaveLength(2);
  });

  it("13. Image_Index or file name instead of the opaque id", async () => {
    const errors = errorsOf(await run(row(0, "Tiny_Portrait_000123.png,female,black,wavy")));
    expect(errors[0].line).toBe(2);
    expect(errors[0].message).toMatch(/not in the test set\. Test images are named by the opaque Image_Id/);
  });

  it("14. duplicate Image_Id names the first line", async () => {
    const errors = errorsOf(await run(`${VALID}tp-111111111111,female,black,wavy\n`));
    expect(errors).toEqual([{ line: 5, message: 'Image_Id "tp-111111111111" appears more than once (first on line 3).' }]);
  });

  it("15. missing ids: count and first few", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `tp-${String(i).padStart(12, "0")}`);
    const csv = [HEADER, `${ids[3]},male,black,wavy`].join("\n");
    const errors = errorsOf(await run(csv, { ids }));
    expect(errors).toEqual([
      {
        message:
          "19 of the 20 test images have no prediction (for example tp-000000000000, tp-000000000001, tp-000000000002, tp-000000000004, tp-000000000005, ...); the file must have exactly one row per test image.",
      },
    ]);
  });

  it("16. ids from another test set", async () => {
    const errors = errorsOf(await run(VALID.replace(/tp-/g, "xx-")));
    expect(errors.at(-1)!.message).toMatch(/None of its Image_Ids belong to the test set/);
  });

  it("17. unknown label lists the allowed ones", () =>
    expectOnly(
      row(0, "tp-0a1b2c3d4e5f,female,red,wavy"),
      2,
      /^Hair_Color "red" is not a valid label; expected one of black, blond, brown, gray, bald\.$/,
    ));

  it("18. n/a is not a valid prediction, said explicitly", () =>
    expectOnly(
      row(2, "tp-222222222222,female,blond,n/a"),
      4,
      /^Hair_Type is "n\/a", but n\/a is not a valid prediction: give every test image one of straight, wavy, bald/,
    ));

  it("19. NaN from pandas gets the same explanation", () =>
    expectOnly(row(0, "tp-0a1b2c3d4e5f,female,NaN,wavy"), 2, /n\/a is not a valid prediction/));

  it("20. empty value", () => expectOnly(row(1, "tp-111111111111,,bald,bald"), 3, /^Gender is empty; expected one of female, male\.$/));

  it("21. empty Image_Id", async () => {
    const errors = errorsOf(await run(row(1, ",male,bald,bald")));
    expect(errors[0]).toEqual({ line: 3, message: "Image_Id is empty." });
  });

  it("22. class indices instead of names", () =>
    expectOnly(row(0, "tp-0a1b2c3d4e5f,0,black,wavy"), 2, /use the class names \(female, male\), not numbers/));

  it("23. header with a missing and an extra column", () =>
    expectOnly(
      `Image_Id,Gender,Hair_Colour,Hair_Type\n${ROWS.join("\n")}`,
      1,
      /missing the column Hair_Color; it has an extra column: "Hair_Colour" \(column 3\)\.$/,
    ));

  it("24. pandas index column", () => expectOnly(`,${HEADER}\n0,${ROWS[0]}\n`, 1, /an unnamed one \(column 1\).*index=False/));

  it("25. a column named twice", () =>
    expectOnly(`Image_Id,Gender,Gender,Hair_Type\n`, 1, /missing the column Hair_Color; the column Gender appears more than once/));

  it("26. no header: the first line is data", () => expectOnly(ROWS.join("\n"), 1, /looks like a data row, not the header/));

  it("27. semicolons instead of commas", () => expectOnly(VALID.replace(/,/g, ";"), 1, /separated by ";"; use commas/));

  it("28. unclosed quote is reported where it opens", () =>
    expectOnly(`${HEADER}\n${ROWS[0]}\ntp-111111111111,"male,bald,bald\n${ROWS[2]}\n`, 3, /closing " is missing/));

  it("29. text after a closing quote, after a multi-line CRLF value", async () => {
    const csv = `${HEADER}\r\ntp-0a1b2c3d4e5f,"fe\r\nmale",black,wavy\r\ntp-111111111111,"male"x,bald,bald\r\n`;
    const errors = errorsOf(await run(csv));
    expect(errors[0]).toEqual({ line: 2, message: 'Gender "fe\\r\\nmale" is not a valid label; expected one of female, male.' });
    expect(errors[1].line).toBe(4);
    expect(errors[1].message).toMatch(/quoted value is followed by other characters/);
  });

  it("30. a stray quote inside a value", () =>
    expectOnly(row(1, 'tp-111111111111,ma"le,bald,bald'), 3, /" appears in the middle of an unquoted value/));

  it("keeps counting physical lines across blank lines and multi-line values", async () => {
    const csv = `\n${HEADER}\n\n"tp-0a1b2c3d4e5f\n",female,black,wavy\n\n${ROWS[1]}\ntp-222222222222,female,purple,straight\n`;
    const errors = errorsOf(await run(csv));
    // The quoted id holds a newline but is trimmed, so it is valid; line 8 is the purple row.
    expect(errors).toEqual([{ line: 8, message: expect.stringMatching(/^Hair_Color "purple"/) }]);
  });

  it("reports every problem of a row, and invalid UTF-8 split across stream chunks is still found", async () => {
    const errors = errorsOf(await run(row(0, "tp-nope,male,n/a,curly")));
    expect(errors.map((e) => e.line)).toEqual([2, 2, 2, undefined]);
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n${ROWS[0]}\nab`), Buffer.from([0xe2, 0x82, 0x41])]);
    for (const size of [1, 2, 64]) {
      const e = errorsOf(await run(streamOf(bytes, size)));
      expect(e).toEqual([{ line: 3, message: expect.stringMatching(/byte 0xE2/) }]);
    }
  });

  it("does not mistake a valid multi-byte character split across chunks for bad UTF-8", async () => {
    const bytes = Buffer.from(row(0, "tp-0a1b2c3d4e5f,female,brün €,wavy"));
    for (const size of [1, 2, 3]) {
      const e = errorsOf(await run(streamOf(bytes, size)));
      expect(e).toEqual([{ line: 2, message: expect.stringMatching(/^Hair_Color "brün €" contains the non-ASCII character U\+00FC/) }]);
    }
  });

  it(`stops after ${MAX_REPORTED_ERRORS} problems and says the rest was not checked`, async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `tp-${String(i).padStart(12, "0")}`);
    const csv = [HEADER, ...ids.map((id) => `${id},female,red,wavy`)].join("\n");
    const r = await run(csv, { ids });
    const errors = errorsOf(r);
    expect(errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(errors[49]).toMatchObject({ line: 51 });
    // No missing-ids summary: the ids after line 51 were never read.
    expect(r.ok === false && r.unchecked).toEqual({
      message: "Checking stopped after 50 problems, at line 51: the rest of the file was not checked. Fix these and upload it again.",
    });
    expect(formatCsvProblems(r as Extract<ParsePredictionsResult, { ok: false }>).at(-1)).toMatch(/^Checking stopped after 50 problems/);
  });

  it("keeps the missing-ids summary when the whole file was read", async () => {
    const ids = Array.from({ length: 80 }, (_, i) => `tp-${String(i).padStart(12, "0")}`);
    const csv = [HEADER, ...ids.slice(0, 30).map((id) => `${id},female,red,wavy`)].join("\n");
    const r = await run(csv, { ids });
    const errors = errorsOf(r);
    expect(errors).toHaveLength(31);
    expect(errors.at(-1)!.message).toMatch(/^50 of the 80 test images have no prediction/);
    expect(r.ok === false && r.unchecked).toBeUndefined();
  });

  it("uses the singular for one missing image and one expected row", async () => {
    const errors = errorsOf(await run([HEADER, ROWS[0], ROWS[1]].join("\n")));
    expect(errors).toEqual([
      { message: expect.stringMatching(/^1 of the 3 test images has no prediction \(for example tp-222222222222\)/) },
    ]);
    const one = errorsOf(await run(HEADER + "\n", { ids: [IDS[0]] }));
    expect(one[0].message).toMatch(/expected 1 row, one per test image/);
  });
});

describe("parsePredictionsCsv: labels by ASCII rules only", () => {
  const row = (values: string) => [HEADER, values, ROWS[1], ROWS[2]].join("\n");

  it("refuses a Kelvin sign that Unicode lower-casing would turn into k, naming the line and the character", () =>
    expectOnly(
      row("tp-0a1b2c3d4e5f,female,blac\u212a,wavy"),
      2,
      /^Hair_Color "blac\u212a" contains the non-ASCII character U\+212A; labels are plain ASCII/,
    ));

  it("refuses a no-break space that String.trim would drop", () =>
    expectOnly(row("tp-0a1b2c3d4e5f,\u00a0female,black,wavy"), 2, /^Gender .* contains the non-ASCII character U\+00A0/));

  it("still accepts ASCII upper case and ASCII blanks", async () => {
    expect((await run(row("tp-0a1b2c3d4e5f, FEMALE\t,BLACK,Wavy "))).ok).toBe(true);
  });
});

describe("parsePredictionsCsv: quoting details of the splitter", () => {
  it('reads "" as a quote inside a quoted value and allows blanks around quotes', async () => {
    const errors = errorsOf(await run([HEADER, ROWS[0], ROWS[1], 'tp-222222222222, "fe""male" ,blond,straight'].join("\n")));
    expect(errors).toEqual([{ line: 4, message: expect.stringMatching(/^Gender "fe\\"male" is not a valid label/) }]);
  });

  it("counts a CRLF inside a quoted value once, whatever the chunk boundaries", async () => {
    const csv = Buffer.from(
      `${HEADER}\r\n"tp-0a1b2c3d4e5f\r\n",female,black,wavy\r\n${ROWS[1]}\r\n"tp-222222222222",female,purple,straight\r\n`,
    );
    for (const size of [1, 2, 3, 7, 64]) {
      expect(errorsOf(await run(streamOf(csv, size))), `chunks of ${size}`).toEqual([
        { line: 5, message: expect.stringMatching(/^Hair_Color "purple"/) },
      ]);
    }
  });

  it("refuses a runaway quoted value at the line where it opens", async () => {
    const csv = `${HEADER}\n${ROWS[0]}\ntp-111111111111,"male,bald,bald\n` + `${ROWS[2]}\n`.repeat(400);
    const r = await run(csv);
    expect(errorsOf(r)).toEqual([{ line: 3, message: expect.stringMatching(/longer than 10,000 characters/) }]);
    expect(r.ok === false && r.unchecked?.message).toMatch(/^Checking stopped at line 3: the rest of the file was not checked/);
  });
});

describe("parsePredictionsCsv: shares the event loop", () => {
  it("lets timers run while it checks a large file given as one Buffer (no I/O waits to hide behind)", async () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => `tp-${i.toString(16).padStart(12, "0")}`);
    const csv = Buffer.from(HEADER + "\n" + ids.map((id) => `${id},female,black,wavy\n`).join(""));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      const r = await run(csv, { ids, maxBytes: csv.length });
      expect(r.ok).toBe(true);
    } finally {
      clearInterval(timer);
    }
    // 200,000 rows take far more than one 10 ms slice anywhere; without yielding the timer
    // could not fire before the promise settles.
    expect(ticks).toBeGreaterThan(0);
  });
});
