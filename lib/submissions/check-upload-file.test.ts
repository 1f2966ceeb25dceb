import { describe, expect, it } from "vitest";
import { checkUploadFile } from "./check-upload-file";

const limits = { testCount: 2, maxCsvBytes: 1000, maxModelBytes: 2000 };
const check = (name: string, content: string | Uint8Array) => checkUploadFile({ file: new File([content as BlobPart], name), ...limits });

describe("checkUploadFile (the submit form's browser checks)", () => {
  it("passes a well-formed CSV and says how many rows it has", async () => {
    const csv = "\uFEFFimage_id,Gender,Hair_Color,Hair_Type\r\na,female,black,wavy\r\n\r\nb,male,bald,bald\r\n";
    expect(await check("p.csv", csv)).toEqual({ problems: [], notes: ["2 rows, header OK"] });
  });

  it("refuses wrong types, empty and oversized files before any upload", async () => {
    expect((await check("p.xlsx", "x")).problems[0].message).toMatch(/Only .csv, .zip and .onnx .*this is a .xlsx file.*CSV UTF-8/);
    expect((await check("p.csv", "")).problems).toEqual([{ message: "The file is empty." }]);
    expect((await check("p.csv", "x".repeat(1001))).problems[0].message).toMatch(/limit for a predictions CSV is 1\.0 kB/);
    expect((await check("m.zip", "not a zip")).problems[0].message).toMatch(/not a zip/);
    expect((await check("m.onnx", "PK\u0003\u0004...")).problems[0].message).toMatch(/rename it to .zip/);
    expect((await check("m.onnx", "\u0008\u0007onnx")).problems).toEqual([]);
  });

  it("points at a wrong header and a wrong row count", async () => {
    const { problems } = await check("p.csv", "id,gender\na,female\n");
    expect(problems).toEqual([
      { line: 1, message: expect.stringContaining("expected Image_Id,Gender,Hair_Color,Hair_Type") },
      { message: "The file has 1 data row; the test split has 2 images, one row each." },
    ]);
    expect((await check("p.csv", new Uint8Array([0xff, 0xfe, 0x49, 0]))).problems[0]).toMatchObject({
      line: 1,
      message: expect.stringMatching(/UTF-16/),
    });
  });
});
