import { describe, expect, it } from "vitest";
import { assertLocalDatabase, createTestDatabase, describeEachEngine } from "./test-db";

describe("assertLocalDatabase", () => {
  it("refuses remote PostgreSQL hosts", () => {
    expect(() => assertLocalDatabase("postgresql://u:pw@db.example.com:5432/prod")).toThrow(/Refusing/);
    expect(() => assertLocalDatabase("postgresql://u@127.0.0.1:5432/t")).not.toThrow();
    expect(() => assertLocalDatabase("file:/tmp/x.sqlite")).not.toThrow();
  });
});

describeEachEngine("createTestDatabase", (t) => {
  it("gives each caller its own migrated database and drops it", async () => {
    await t.db.user.create({ data: { email: "only-here@example.test", name: "A" } });
    const other = await createTestDatabase({ engine: t.engine });
    try {
      expect(other.url).not.toBe(t.url);
      expect(await other.db.user.count()).toBe(0);
    } finally {
      await other.drop();
    }
    await expect(other.db.user.count()).rejects.toThrow();
    expect(await t.db.user.count()).toBe(1);
  });
});
